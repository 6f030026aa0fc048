"""Contact invitations are limited per person, per organisation and in how many wait at once."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from organisations.models import Invitation
from organisations.services import contacts
from pledge_portal.errors import NotAllowed
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.CONTACT_INVITATIONS_PER_HOUR_PER_PERSON = 3
    settings.CONTACT_INVITATIONS_PER_HOUR_PER_ORGANISATION = 5
    settings.CONTACT_INVITATIONS_PENDING_MAX = 6
    return settings


def invite(organisation, by, n):
    return contacts.invite_contact(organisation=organisation, email=f"invitee{n}@example.org", by=by)


def test_one_person_may_send_only_so_many_invitations_an_hour(limits, pledge):
    for n in range(3):
        invite(pledge.organisation, pledge.created_by, n)
    with pytest.raises(NotAllowed, match="You have sent 3 invitations in the last hour"):
        invite(pledge.organisation, pledge.created_by, 3)
    assert Invitation.objects.count() == 3
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        invite(pledge.organisation, pledge.created_by, 3)
    assert Invitation.objects.count() == 4


def test_an_organisation_may_send_only_so_many_invitations_an_hour_whoever_sends_them(limits, pledge):
    colleague = MembershipFactory(organisation=pledge.organisation, role="contact").user
    for n in range(3):
        invite(pledge.organisation, pledge.created_by, n)
    for n in range(3, 5):
        invite(pledge.organisation, colleague, n)
    with pytest.raises(NotAllowed, match="has sent 5 invitations in the last hour"):
        invite(pledge.organisation, colleague, 5)
    assert Invitation.objects.count() == 5


def test_resending_to_the_same_address_counts_towards_the_limit(limits, pledge):
    for _ in range(3):
        invite(pledge.organisation, pledge.created_by, 0)
    with pytest.raises(NotAllowed, match="in the last hour"):
        invite(pledge.organisation, pledge.created_by, 0)


def test_an_organisation_may_have_only_so_many_invitations_waiting(limits, pledge):
    limits.CONTACT_INVITATIONS_PER_HOUR_PER_PERSON = 100
    limits.CONTACT_INVITATIONS_PER_HOUR_PER_ORGANISATION = 100
    for n in range(6):
        invite(pledge.organisation, pledge.created_by, n)
    with pytest.raises(NotAllowed, match="already has 6 invitations waiting"):
        invite(pledge.organisation, pledge.created_by, 6)
    contacts.revoke_invitation(invitation=Invitation.objects.first(), by=pledge.created_by)
    invite(pledge.organisation, pledge.created_by, 6)


def test_a_limit_is_explained_beside_the_email_field_and_keeps_what_was_typed(client, limits, pledge):
    for n in range(3):
        invite(pledge.organisation, pledge.created_by, n)
    client.force_login(pledge.created_by)
    response = client.post(
        reverse("organisations:invite_contact", kwargs={"organisation_id": pledge.organisation_id}),
        {"email": "one.more@example.org"},
    )
    assert response.status_code == 200
    assert "You have sent 3 invitations in the last hour" in str(response.context["form"].errors["email"])
    assert 'value="one.more@example.org"' in response.content.decode()
    assert not Invitation.objects.filter(email="one.more@example.org").exists()


def test_the_default_limits_are_ten_an_hour(settings):
    assert settings.CONTACT_INVITATIONS_PER_HOUR_PER_PERSON == 10
    assert settings.CONTACT_INVITATIONS_PER_HOUR_PER_ORGANISATION == 10
