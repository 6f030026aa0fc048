"""The team's pages of a new wording: it drafts, previews, publishes it and reminds partners to reaffirm."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pledges.models import Commitment, PledgeVersion
from pledges.services import versions
from tests.factories import PledgeFactory, UserFactory
from tests.support.dates import date_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(programme_team_member):
    return versions.start_draft_version(by=programme_team_member)


@pytest.fixture
def version_2(programme_team_member, send_on_commit, draft):
    with send_on_commit():
        return versions.publish_version(
            version=draft, by=programme_team_member, effective_on=timezone.localdate()
        )


def draft_data(version, **changes):
    """The edit page's POST for `version` as it stands, with `changes` to its fields."""
    commitments = list(version.commitments.all())
    extra = len(commitments)
    data = {
        "title": version.title,
        "introduction": version.introduction,
        "example_actions": version.example_actions,
        "commitment-TOTAL_FORMS": len(commitments) + 1,
        "commitment-INITIAL_FORMS": len(commitments),
        "commitment-MIN_NUM_FORMS": 0,
        "commitment-MAX_NUM_FORMS": 1000,
        f"commitment-{extra}-title": "",
        f"commitment-{extra}-text": "",
    }
    for index, commitment in enumerate(commitments):
        data[f"commitment-{index}-title"] = commitment.title
        data[f"commitment-{index}-text"] = commitment.text
    data.update(changes)
    return data


# The access matrix: every new URL ----------------------------------------------------------


def team_pages(number):
    return [
        reverse("team:versions"),
        reverse("team:edit_version", args=[number]),
        reverse("team:preview_version", args=[number]),
    ]


def team_posts(number):
    return [
        reverse("team:versions"),
        reverse("team:edit_version", args=[number]),
        reverse("team:preview_version", args=[number]),
        reverse("team:remind_version", args=[1]),
    ]


def test_the_team_pages_send_anyone_signed_out_to_sign_in_and_forbid_partners_and_staff(client, draft):
    for url in [*team_pages(draft.number), reverse("team:version", args=[1])]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("account_login")), url
    for url in team_posts(draft.number):
        response = client.post(url, {})
        assert response.status_code == 302 and response.url.startswith(reverse("account_login")), url
    for who in (PledgeFactory(approved=True).created_by, UserFactory(is_staff=True)):
        client.force_login(who)
        for url in [*team_pages(draft.number), reverse("team:version", args=[1])]:
            assert client.get(url).status_code == 403, url
        for url in team_posts(draft.number):
            assert client.post(url, draft_data(draft, effective_on="2030-01-01")).status_code == 403, url
    assert PledgeVersion.objects.get(pk=draft.pk).is_draft
    assert PledgeVersion.objects.count() == 2
    assert PledgeVersion.objects.get(number=1).reminder_sent_at is None


def test_the_programme_team_opens_every_version_page(client, programme_team_member, draft):
    client.force_login(programme_team_member)
    for url in [*team_pages(draft.number), reverse("team:version", args=[1])]:
        assert client.get(url).status_code == 200, url


def test_a_published_version_has_no_edit_or_preview_and_a_draft_no_progress_page(
    client, programme_team_member, version_2
):
    client.force_login(programme_team_member)
    assert client.get(reverse("team:edit_version", args=[2])).status_code == 404
    assert client.get(reverse("team:preview_version", args=[2])).status_code == 404
    versions.start_draft_version(by=programme_team_member)
    assert client.get(reverse("team:version", args=[3])).status_code == 404


# Drafting and publishing through the pages ----------------------------------------------------


def test_the_team_starts_a_draft_from_the_versions_page(client, programme_team_member):
    client.force_login(programme_team_member)
    response = client.post(reverse("team:versions"))
    assert response.status_code == 302
    assert response.url == reverse("team:edit_version", args=[2])
    assert PledgeVersion.objects.draft().commitments.count() == 8


def test_editing_a_draft_adds_rewords_and_removes_commitments_then_previews(
    client, programme_team_member, draft
):
    client.force_login(programme_team_member)
    data = draft_data(
        draft,
        **{
            "commitment-0-text": "Together, we recognise that trauma is common.",
            "commitment-7-DELETE": "on",
            "commitment-8-title": "Listening",
            "commitment-8-text": "We listen to children.",
        },
    )
    response = client.post(reverse("team:edit_version", args=[draft.number]), data)
    assert response.status_code == 302
    assert response.url == reverse("team:preview_version", args=[draft.number])
    assert list(Commitment.objects.filter(version=draft).values_list("number", "title")) == [
        *[
            (n, c.title)
            for n, c in enumerate(PledgeVersion.objects.get(number=1).commitments.all()[:7], start=1)
        ],
        (8, "Listening"),
    ]

    html = client.get(response.url).content.decode()
    assert '<ins class="portal-diff__added"><span class="nhsuk-u-visually-hidden">[added: </span>' in html
    assert "<del" in html
    assert "Commitment 8" in html


def test_a_draft_with_a_missing_wording_says_so_beside_the_field_and_keeps_what_was_typed(
    client, programme_team_member, draft
):
    client.force_login(programme_team_member)
    data = draft_data(draft, **{"commitment-0-text": "", "introduction": "A new introduction I typed."})
    response = client.post(reverse("team:edit_version", args=[draft.number]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Enter the commitment&#x27;s wording") == 2  # in the summary and beside the field
    assert "A new introduction I typed." in html
    assert "<title>Error:" in html
    assert Commitment.objects.get(version=draft, number=1).text != ""


def test_a_draft_needs_at_least_one_commitment(client, programme_team_member, draft):
    client.force_login(programme_team_member)
    data = draft_data(draft, **{f"commitment-{n}-DELETE": "on" for n in range(8)})
    html = client.post(reverse("team:edit_version", args=[draft.number]), data).content.decode()
    assert "The pledge needs at least one commitment" in html
    assert draft.commitments.count() == 8


def test_publishing_from_the_preview_invites_partners_and_new_signatories_sign_it(
    client, programme_team_member, draft, django_capture_on_commit_callbacks
):
    listed = PledgeFactory(approved=True)
    client.force_login(programme_team_member)
    url = reverse("team:preview_version", args=[draft.number])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(url, date_input("effective_on", yesterday))
    assert "The date it takes effect must be today or later" in response.content.decode()
    assert PledgeVersion.objects.get(pk=draft.pk).is_draft

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, date_input("effective_on", timezone.localdate()))
    assert response.status_code == 302
    assert PledgeVersion.objects.current().number == 2
    assert [m.to for m in mail.outbox] == [[listed.created_by.email]]

    page = client.get(reverse("team:version", args=[2])).content.decode()
    assert listed.organisation.name in page
    assert "Send the reminder" in page


def test_the_team_sends_the_one_reminder_from_the_progress_page(client, programme_team_member, version_2):
    waiting = PledgeFactory(approved=True, version=PledgeVersion.objects.get(number=1))
    versions.invite_partners_to_reaffirm()
    client.force_login(programme_team_member)
    response = client.post(reverse("team:remind_version", args=[2]), follow=True)
    assert "Reminder sent to 1 partner." in response.content.decode()
    assert "Send the reminder" not in response.content.decode()
    response = client.post(reverse("team:remind_version", args=[2]), follow=True)
    assert "already been sent" in response.content.decode()
    assert waiting.reaffirmations.get().reminded_at is not None


def test_the_public_version_page_shows_each_published_version_in_full_with_its_dates(
    client, programme_team_member, version_2
):
    version_1 = client.get(reverse("directory:pledge_version", args=[1])).content.decode()
    assert "In effect from" in version_1
    assert "Replaced on" in version_1
    assert "Setting up an organisational trauma-informed steering group" in version_1
    version_2_page = client.get(reverse("directory:pledge_version", args=[2])).content.decode()
    assert "The current wording" in version_2_page
    versions.start_draft_version(by=programme_team_member)
    assert client.get(reverse("directory:pledge_version", args=[3])).status_code == 404  # a draft is private


def test_the_teams_page_for_a_pledge_keeps_the_reaffirmation_in_its_history(
    client, programme_team_member, version_2
):
    pledge = PledgeFactory(approved=True, version=PledgeVersion.objects.get(number=1))
    versions.reaffirm_pledge(pledge=pledge, by=pledge.created_by, declaration_name=pledge.created_by.name)
    client.force_login(programme_team_member)
    html = client.get(reverse("team:pledge", args=[pledge.pk])).content.decode()
    assert "Reaffirmed a new version of the pledge" in html
    assert "Reaffirmed version 2 (was version 1)" in html
