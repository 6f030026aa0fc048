"""'Your pledge': each pledge's status in plain words, what to do next, and editing the organisation."""

import pytest
from django.urls import reverse

from organisations.models import Area, Organisation
from pledges.models import Pledge
from tests.factories import MembershipFactory, OrganisationFactory, PledgeFactory, UserFactory
from tests.support.directory import re_renders_directory

pytestmark = pytest.mark.django_db


def my_page(client, user):
    client.force_login(user)
    return client.get(reverse("pledges:my_pledges")).content.decode()


def test_a_draft_shows_as_not_yet_submitted_with_a_link_to_continue(client):
    pledge = PledgeFactory()
    page = my_page(client, pledge.created_by)
    assert "Not yet submitted" in page
    assert reverse("pledges:sign_continue", kwargs={"pk": pledge.pk}) in page


def test_a_submitted_pledge_says_it_is_waiting_for_review_and_cannot_be_changed(client):
    pledge = PledgeFactory(submitted=True)
    page = my_page(client, pledge.created_by)
    assert "Waiting for review" in page
    assert "You cannot change it while it is being checked" in page
    assert reverse("pledges:sign_continue", kwargs={"pk": pledge.pk}) not in page


def test_changes_requested_shows_the_teams_message_escaped_and_a_way_to_edit_and_resubmit(client):
    pledge = PledgeFactory(
        submitted=True,
        status=Pledge.Status.CHANGES_REQUESTED,
        changes_requested_message="Please <b>expand</b> action 2.",
    )
    page = my_page(client, pledge.created_by)
    assert "Please &lt;b&gt;expand&lt;/b&gt; action 2." in page
    assert "Edit and resubmit" in page
    assert reverse("pledges:sign_check", kwargs={"pk": pledge.pk}) in page


@pytest.mark.parametrize("status", Pledge.Status)
def test_the_partner_and_the_team_see_a_status_in_the_same_tag_colour(client, programme_team_member, status):
    pledge = PledgeFactory(submitted=status != Pledge.Status.DRAFT, approved=status != Pledge.Status.DRAFT)
    Pledge.objects.filter(pk=pledge.pk).update(status=status)
    tag = f'<strong class="nhsuk-tag nhsuk-tag--{Pledge.STATUS_TAG_COLOURS[status]}">'
    assert tag in my_page(client, pledge.created_by)
    client.force_login(programme_team_member)
    assert tag in client.get(reverse("team:pledge", args=[pledge.pk])).content.decode()


def test_your_pledge_uses_the_same_number_of_queries_for_one_pledge_or_many(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    PledgeFactory(created_by=user)
    client.force_login(user)
    with django_assert_max_num_queries(10) as one:
        client.get(reverse("pledges:my_pledges"))
    for status in ("submitted", "changes_requested", "rejected"):
        PledgeFactory(created_by=user, status=status)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("pledges:my_pledges"))


def edit_url(organisation, query=""):
    return reverse("organisations:edit", kwargs={"pk": organisation.pk}) + query


def edit_data(**overrides):
    return {
        "kind": Organisation.Kind.SERVICE,
        "sector": Organisation.Sector.HOUSING,
        "areas": [area.pk for area in Area.objects.all()],
        "website": "https://new.example.org",
        "description": "New description",
        **overrides,
    }


def test_a_member_edits_their_organisations_details_and_the_directory_is_re_rendered(
    client, django_capture_on_commit_callbacks
):
    membership = MembershipFactory()
    client.force_login(membership.user)
    assert (
        "email the programme team" in client.get(edit_url(membership.organisation)).content.decode().lower()
    )
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(edit_url(membership.organisation), edit_data(name="A New Name"))
    assert response.url == "/my/"
    membership.organisation.refresh_from_db()
    assert membership.organisation.sector == Organisation.Sector.HOUSING
    assert membership.organisation.name != "A New Name"  # the name is not changed here
    assert re_renders_directory(callbacks)


def test_editing_organisation_details_returns_to_a_safe_next_page_only(client):
    pledge = PledgeFactory()
    client.force_login(pledge.created_by)
    check = reverse("pledges:sign_check", kwargs={"pk": pledge.pk})
    assert client.post(edit_url(pledge.organisation, f"?next={check}"), edit_data()).url == check
    assert client.post(edit_url(pledge.organisation, "?next=https://evil.example"), edit_data()).url == "/my/"


def test_editing_organisation_details_keeps_what_was_typed_on_error(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    page = client.post(
        edit_url(membership.organisation), edit_data(areas=[], description="Kept text")
    ).content
    assert b"Choose at least one area it serves" in page
    assert b"Kept text" in page


def test_only_members_can_edit_an_organisations_details(client):
    organisation = OrganisationFactory()
    client.force_login(UserFactory())
    assert client.get(edit_url(organisation)).status_code == 404
    assert client.post(edit_url(organisation), edit_data()).status_code == 404
    client.logout()
    assert reverse("account_login") in client.get(edit_url(organisation)).url
