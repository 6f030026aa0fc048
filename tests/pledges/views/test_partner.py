"""'Your pledge' shows a person the pledges of their own organisations, and no others."""

import pytest
from django.urls import reverse

from organisations.models import Membership
from outbox.models import BouncedAddress
from pledges.models import Pledge
from tests.factories import MembershipFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def test_your_pledge_needs_sign_in(client):
    response = client.get(reverse("pledges:my_pledges"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_your_pledge_lists_only_your_organisations_pledges(client):
    mine = PledgeFactory(submitted=True)
    theirs = PledgeFactory(submitted=True)
    client.force_login(mine.created_by)
    response = client.get(reverse("pledges:my_pledges"))
    assert list(response.context["pledges"]) == [mine]
    assert theirs.organisation.name not in response.content.decode()


def test_your_pledge_warns_you_when_emails_to_your_address_bounce(client, settings):
    pledge = PledgeFactory(approved=True)
    BouncedAddress.objects.create(email=pledge.created_by.email.upper(), reason="550 5.1.1 No such mailbox")
    client.force_login(pledge.created_by)
    page = client.get(reverse("pledges:my_pledges")).content.decode()
    assert 'class="nhsuk-warning-callout"' in page
    assert f"Emails to {pledge.created_by.email} are being refused by your mail server" in page
    assert "reminders" in page
    assert "550 5.1.1 No such mailbox" in page
    assert f'href="mailto:{settings.PROGRAMME_TEAM_EMAIL}"' in page


def test_your_pledge_has_no_warning_when_your_emails_get_through(client):
    pledge = PledgeFactory(approved=True)
    BouncedAddress.objects.create(email="someone.else@example.org", reason="550 5.1.1 No such mailbox")
    client.force_login(pledge.created_by)
    page = client.get(reverse("pledges:my_pledges")).content.decode()
    assert "nhsuk-warning-callout" not in page
    assert "being refused" not in page


def test_someone_joining_later_does_not_see_an_earlier_signatorys_ended_pledge(client):
    ended = PledgeFactory(status="rejected", signatory_name="Earlier Signatory")
    newcomer = MembershipFactory(organisation=ended.organisation, role=Membership.Role.SIGNATORY).user
    client.force_login(newcomer)
    response = client.get(reverse("pledges:my_pledges"))
    assert list(response.context["pledges"]) == []
    assert "Earlier Signatory" not in response.content.decode()
    client.force_login(ended.created_by)
    assert list(client.get(reverse("pledges:my_pledges")).context["pledges"]) == [ended]


def test_a_draft_started_for_the_wrong_organisation_can_be_deleted(client):
    draft = PledgeFactory()
    client.force_login(draft.created_by)
    confirm = client.get(reverse("pledges:discard_draft", args=[draft.pk]))
    assert confirm.status_code == 200
    assert Pledge.objects.filter(pk=draft.pk).exists()  # showing the page deletes nothing

    response = client.post(reverse("pledges:discard_draft", args=[draft.pk]))
    assert response.url == reverse("pledges:my_pledges")
    assert not Pledge.objects.filter(pk=draft.pk).exists()
    assert not Membership.objects.filter(user=draft.created_by, organisation=draft.organisation).exists()
    PledgeFactory(organisation=draft.organisation)  # the organisation is free for a new pledge


@pytest.mark.parametrize("traits", [{"submitted": True}, {"status": "changes_requested"}, {"approved": True}])
def test_only_a_never_submitted_draft_can_be_deleted(client, traits):
    pledge = PledgeFactory(**traits)
    client.force_login(pledge.created_by)
    assert client.post(reverse("pledges:discard_draft", args=[pledge.pk])).status_code == 404
    assert Pledge.objects.filter(pk=pledge.pk).exists()


def test_someone_elses_draft_cannot_be_deleted(client, user):
    draft = PledgeFactory()
    client.force_login(user)
    assert client.post(reverse("pledges:discard_draft", args=[draft.pk])).status_code == 404
    assert Pledge.objects.filter(pk=draft.pk).exists()
