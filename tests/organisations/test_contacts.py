"""A partner's contacts: invitations by email, accepted only by that address, withdrawn, expired, removed."""

import re
from datetime import timedelta
from functools import partial

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from organisations.models import Invitation, Membership
from organisations.services import contacts
from outbox.models import OutboxEmail
from pledge_portal.errors import NotAllowed
from tests.factories import MembershipFactory, PledgeFactory, UserFactory
from tests.support.concurrency import at_once, refusals
from tests.support.signing_in import sign_in_recently

pytestmark = pytest.mark.django_db


@pytest.fixture
def signatory(pledge):
    return pledge.created_by


def invite(pledge, email="colleague@example.org"):
    return contacts.invite_contact(organisation=pledge.organisation, email=email, by=pledge.created_by)


def test_an_invitation_emails_a_link_with_an_unguessable_token_and_stores_only_its_hash(pledge):
    invitation, token = invite(pledge)
    email = OutboxEmail.objects.get(to="colleague@example.org")
    assert f"/my/invitations/{token}/" in email.body_text
    assert pledge.organisation.name in email.subject
    assert len(token) >= 40
    assert token not in invitation.token_hash
    assert Invitation.objects.for_token(token).get() == invitation


def test_the_invited_person_becomes_a_contact_and_can_open_the_review(client, pledge):
    _, token = invite(pledge, email="Colleague@Example.org")
    colleague = UserFactory(email="colleague@example.org")
    membership = contacts.accept_invitation(token=token, user=colleague)
    assert membership.role == Membership.Role.CONTACT
    client.force_login(colleague)
    cycle = pledge.cycles.get()
    assert client.get(reverse("reviews:start", kwargs={"cycle_id": cycle.pk})).status_code == 200


def test_an_invitation_accepted_by_a_different_email_address_is_refused(pledge):
    _, token = invite(pledge)
    someone_else = UserFactory(email="someone.else@example.org")
    with pytest.raises(NotAllowed, match=re.escape("sent to colleague@example.org")):
        contacts.accept_invitation(token=token, user=someone_else)
    assert not Membership.objects.filter(user=someone_else).exists()


def test_an_expired_invitation_is_refused(pledge, settings):
    _, token = invite(pledge)
    colleague = UserFactory(email="colleague@example.org")
    later = timezone.now() + timedelta(days=settings.CONTACT_INVITATION_VALID_DAYS, minutes=1)
    with time_machine.travel(later, tick=False), pytest.raises(NotAllowed, match="expired"):
        contacts.accept_invitation(token=token, user=colleague)
    assert not Membership.objects.filter(user=colleague).exists()


def test_a_revoked_invitation_is_refused(pledge, signatory):
    invitation, token = invite(pledge)
    contacts.revoke_invitation(invitation=invitation, by=signatory)
    colleague = UserFactory(email="colleague@example.org")
    with pytest.raises(NotAllowed, match="withdrawn"):
        contacts.accept_invitation(token=token, user=colleague)
    assert not Membership.objects.filter(user=colleague).exists()


def test_inviting_the_same_address_again_withdraws_the_earlier_link(pledge):
    _, first = invite(pledge)
    _, second = invite(pledge)
    colleague = UserFactory(email="colleague@example.org")
    with pytest.raises(NotAllowed, match="withdrawn"):
        contacts.accept_invitation(token=first, user=colleague)
    contacts.accept_invitation(token=second, user=colleague)


def test_a_made_up_token_is_refused(pledge, signatory):
    with pytest.raises(NotAllowed, match="does not work"):
        contacts.accept_invitation(token="not-a-real-token", user=signatory)


def test_only_members_can_invite_and_existing_contacts_are_not_invited_again(pledge, signatory):
    with pytest.raises(NotAllowed, match="Only people at"):
        contacts.invite_contact(organisation=pledge.organisation, email="x@example.org", by=UserFactory())
    with pytest.raises(NotAllowed, match="already a contact"):
        invite(pledge, email=signatory.email.upper())


def test_a_removed_contact_loses_access_at_once(client, pledge, signatory):
    contact = MembershipFactory(organisation=pledge.organisation, role="contact")
    cycle = pledge.cycles.get()
    review = reverse("reviews:start", kwargs={"cycle_id": cycle.pk})
    client.force_login(contact.user)
    assert client.get(review).status_code == 200
    contacts.remove_contact(membership=contact, by=signatory)
    assert client.get(review).status_code == 404
    assert (
        client.get(
            reverse("organisations:contacts", kwargs={"organisation_id": pledge.organisation_id})
        ).status_code
        == 404
    )


def test_the_last_member_cannot_be_removed(pledge, signatory):
    membership = Membership.objects.get(user=signatory, organisation=pledge.organisation)
    with pytest.raises(NotAllowed, match="last contact"):
        contacts.remove_contact(membership=membership, by=signatory)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_member_may_leave_while_someone_else_remains(pledge, signatory):
    contact = MembershipFactory(organisation=pledge.organisation, role="contact")
    contacts.remove_contact(membership=contact, by=contact.user)
    assert list(pledge.organisation.memberships.all()) == [
        Membership.objects.get(user=signatory, organisation=pledge.organisation)
    ]


# Pages -------------------------------------------------------------------------


def test_only_members_see_an_organisations_contacts(client, pledge):
    contacts_page = reverse("organisations:contacts", kwargs={"organisation_id": pledge.organisation_id})
    assert client.get(contacts_page).status_code == 302
    client.force_login(UserFactory())
    assert client.get(contacts_page).status_code == 404
    assert (
        client.post(contacts_page.replace("contacts/", "contacts/invite/"), {"email": "a@b.org"}).status_code
        == 404
    )
    assert not Invitation.objects.exists()


def test_inviting_from_the_page_sends_the_email_and_lists_the_invitation(client, pledge, signatory):
    client.force_login(signatory)
    response = client.post(
        reverse("organisations:invite_contact", kwargs={"organisation_id": pledge.organisation_id}),
        {"email": "colleague@example.org"},
        follow=True,
    )
    body = response.content.decode()
    assert "We have emailed an invitation to colleague@example.org" in body
    assert "Invitations waiting to be accepted" in body
    assert OutboxEmail.objects.filter(to="colleague@example.org").count() == 1


def test_a_bad_email_address_is_explained_next_to_the_field(client, pledge, signatory):
    client.force_login(signatory)
    response = client.post(
        reverse("organisations:invite_contact", kwargs={"organisation_id": pledge.organisation_id}),
        {"email": "not-an-email"},
    )
    body = response.content.decode()
    assert "Enter an email address in the correct format" in body
    assert 'value="not-an-email"' in body


def test_opening_the_invitation_link_changes_nothing_and_accepting_needs_a_post(client, pledge):
    invite(pledge)
    link = re.search(r"https?://\S+", OutboxEmail.objects.get(to="colleague@example.org").body_text).group(0)
    path = link.removeprefix(settings.SITE_URL)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)
    assert "Accept the invitation" in client.get(path).content.decode()
    assert not Membership.objects.filter(user=colleague).exists()
    response = client.post(path)
    assert response.url == reverse("pledges:my_pledges")
    assert Membership.objects.filter(user=colleague, organisation=pledge.organisation).exists()


def test_the_invitation_page_tells_someone_signed_in_with_another_address(client, pledge):
    _, token = invite(pledge)
    client.force_login(UserFactory(email="other@example.org"))
    path = reverse("organisations:accept_invitation", kwargs={"token": token})
    assert "Sign in with the invited email address" in client.get(path).content.decode()
    client.post(path)
    assert Membership.objects.filter(organisation=pledge.organisation).count() == 1


def test_removing_a_contact_from_the_page_asks_first_then_removes(client, pledge, signatory):
    contact = MembershipFactory(organisation=pledge.organisation, role="contact")
    sign_in_recently(client, signatory)
    remove = reverse(
        "organisations:remove_contact",
        kwargs={"organisation_id": pledge.organisation_id, "membership_id": contact.pk},
    )
    assert "Remove" in client.get(remove).content.decode()
    assert Membership.objects.filter(pk=contact.pk).exists()
    client.post(remove)
    assert not Membership.objects.filter(pk=contact.pk).exists()


def test_removing_a_contact_asks_for_the_password_first_then_removes_them(client, pledge, signatory):
    contact = MembershipFactory(organisation=pledge.organisation, role="contact")
    client.force_login(signatory)  # signed in, but not just now
    remove = reverse(
        "organisations:remove_contact",
        kwargs={"organisation_id": pledge.organisation_id, "membership_id": contact.pk},
    )
    asked = client.post(remove)
    assert asked.status_code == 302
    assert asked.url.startswith(reverse("account_reauthenticate"))
    assert Membership.objects.filter(pk=contact.pk).exists()

    assert client.post(asked.url, {"password": "not-the-password"}).status_code == 200
    assert Membership.objects.filter(pk=contact.pk).exists()
    confirmed = client.post(asked.url, {"password": "a-long-test-password"})
    assert confirmed.status_code == 302
    assert not Membership.objects.filter(pk=contact.pk).exists()


def test_withdrawing_an_invitation_from_the_page(client, pledge, signatory):
    invitation, _ = invite(pledge)
    client.force_login(signatory)
    client.post(
        reverse(
            "organisations:revoke_invitation",
            kwargs={"organisation_id": pledge.organisation_id, "invitation_id": invitation.pk},
        )
    )
    invitation.refresh_from_db()
    assert invitation.revoked_by == signatory


@pytest.mark.django_db(transaction=True)
def test_two_people_removing_each_other_at_once_leave_one_contact():
    pledge = PledgeFactory(approved=True)
    first = Membership.objects.get(organisation=pledge.organisation)
    second = MembershipFactory(organisation=pledge.organisation, role="contact")
    outcomes = at_once(
        partial(contacts.remove_contact, membership=first, by=second.user),
        partial(contacts.remove_contact, membership=second, by=first.user),
    )
    assert Membership.objects.filter(organisation=pledge.organisation).count() == 1
    assert len(refusals(outcomes, NotAllowed)) == 1
