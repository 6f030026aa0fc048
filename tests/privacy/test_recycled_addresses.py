"""Data belongs to accounts, not addresses: an address that changes owner brings none of the old owner's
emails or invitations with it (issue 25 §4)."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from organisations.services import contacts
from outbox.models import OutboxEmail
from pledges.services import decisions
from privacy.services import close_account
from tests.factories import PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
OLD = "e.jones@riverside.example.org"


@pytest.fixture
def earlier_owner(programme_team_member):
    """E: emailed at OLD about their pledge and invited to another partner; then E moves to a new address."""
    owner = UserFactory(email=OLD, name="Eve Jones")
    pledge = PledgeFactory(submitted=True, created_by=owner)
    decisions.request_changes(pledge=pledge, by=programme_team_member, message="Add your second action")
    other = PledgeFactory(approved=True)
    _, token = contacts.invite_contact(organisation=other.organisation, email=OLD, by=other.created_by)
    assert OutboxEmail.objects.filter(to=OLD).count() == 2
    # E adds a new address, confirms it, makes it primary and removes the old one.
    new = EmailAddress.objects.create(user=owner, email="eve@new.example.org", verified=False, primary=False)
    new.verified = True
    new.save()
    new.set_as_primary()
    EmailAddress.objects.get(email=OLD).remove()
    owner.refresh_from_db()
    assert owner.email == "eve@new.example.org"
    owner.invitation_token = token
    return owner


@pytest.fixture
def next_owner(earlier_owner):
    """Someone else signs up with E's old address."""
    return UserFactory(email=OLD, name="Nat Other")


def download_json(client, user):
    client.force_login(user)
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    response = client.get(reverse("privacy:download_json"))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_next_owner_of_an_address_downloads_none_of_the_earlier_owners_emails(
    client, earlier_owner, next_owner
):
    data = download_json(client, next_owner)

    assert data["emails_sent_to_you"] == []
    assert data["invitations_received"] == []
    text = json.dumps(data)
    assert earlier_owner.invitation_token not in text
    assert "Add your second action" not in text


def test_the_earlier_owner_still_downloads_the_emails_sent_to_them_at_their_old_address(
    client, earlier_owner, next_owner
):
    data = download_json(client, earlier_owner)

    assert len(data["emails_sent_to_you"]) == 2


def test_an_email_queued_to_an_address_is_the_accounts_whose_verified_address_it_is(
    earlier_owner, next_owner
):
    assert set(OutboxEmail.objects.filter(to=OLD).values_list("recipient", flat=True)) == {earlier_owner.pk}


def test_closing_the_next_owners_account_leaves_the_earlier_owners_emails_whole(earlier_owner, next_owner):
    close_account(user=next_owner)

    assert OutboxEmail.objects.filter(recipient=earlier_owner, to=OLD).exclude(body_text="").count() == 2


def test_closing_the_earlier_owners_account_erases_their_emails_at_the_old_address(earlier_owner, next_owner):
    close_account(user=earlier_owner)

    assert not OutboxEmail.objects.filter(to=OLD).exists()
    assert not OutboxEmail.objects.filter(body_text__contains="Add your second action").exists()
