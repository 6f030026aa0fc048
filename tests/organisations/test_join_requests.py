"""Choosing an organisation that had people asks to join it: its people, or the team, decide."""

import pytest
from django.urls import reverse

from organisations.models import Invitation, JoinRequest, Membership, Organisation, OrganisationEvent
from organisations.services import contacts, join_requests
from outbox.models import OutboxEmail
from pledge_portal.errors import NotAllowed
from pledges.models import Pledge
from tests.factories import MembershipFactory, OrganisationFactory, PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db


def choose(client, organisation):
    return client.post(reverse("pledges:sign_choose_organisation"), {"organisation": organisation.pk})


def contacts_url(organisation):
    return reverse("organisations:contacts", kwargs={"organisation_id": organisation.pk})


@pytest.fixture
def former_partner():
    """A withdrawn partner, with its signatory, a contact and a pending invitation."""
    pledge = PledgeFactory(approved=True)
    MembershipFactory(organisation=pledge.organisation, role=Membership.Role.CONTACT)
    contacts.invite_contact(
        organisation=pledge.organisation, email="pending@example.org", by=pledge.created_by
    )
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.WITHDRAWN)
    return pledge


@pytest.mark.parametrize("status", [Pledge.Status.WITHDRAWN, Pledge.Status.REJECTED, Pledge.Status.LAPSED])
def test_a_stranger_choosing_a_former_partner_cannot_see_its_people_remove_them_or_change_it(
    client, status, former_partner
):
    """The attack in issue 10: choose, then read the contacts, remove the signatory, change the website."""
    Pledge.objects.filter(pk=former_partner.pk).update(status=status)
    organisation = former_partner.organisation
    stranger = UserFactory()
    client.force_login(stranger)

    response = choose(client, organisation)

    join_request = JoinRequest.objects.get(user=stranger)
    assert response.url == reverse("organisations:join_request", kwargs={"pk": join_request.pk})
    assert not Membership.objects.filter(user=stranger).exists()
    assert client.get(contacts_url(organisation)).status_code == 404
    signatory = Membership.objects.get(organisation=organisation, user=former_partner.created_by)
    remove = reverse(
        "organisations:remove_contact",
        kwargs={"organisation_id": organisation.pk, "membership_id": signatory.pk},
    )
    assert client.post(remove).status_code == 404
    edit = reverse("organisations:edit", kwargs={"pk": organisation.pk})
    assert client.post(edit, {"website": "https://attacker.example"}).status_code == 404
    organisation.refresh_from_db()
    assert organisation.website != "https://attacker.example"
    assert Membership.objects.filter(pk=signatory.pk).exists()
    assert Pledge.objects.filter(organisation=organisation).count() == 1


def test_the_request_page_says_who_was_asked_and_what_happens_next(client, former_partner):
    stranger = UserFactory()
    client.force_login(stranger)
    page = client.get(choose(client, former_partner.organisation).url).content.decode()
    assert "We have emailed the people who act for" in page
    assert stranger.email in page
    # The page names no one at the organisation: the stranger is not one of its people yet.
    assert former_partner.created_by.email not in page


def test_the_organisations_people_are_emailed_a_link_to_answer(client, former_partner):
    client.force_login(UserFactory(name="Robin Asker"))
    choose(client, former_partner.organisation)
    join_request = JoinRequest.objects.get()
    emails = OutboxEmail.objects.filter(subject__contains="Robin Asker asks")
    people = set(
        Membership.objects.filter(organisation=former_partner.organisation).values_list(
            "user__email", flat=True
        )
    )
    assert set(emails.values_list("to", flat=True)) == people
    answer = reverse("organisations:answer_join_request", kwargs={"pk": join_request.pk})
    assert all(answer in email.body_text for email in emails)


def test_asking_twice_keeps_one_request_and_emails_once(client, former_partner):
    client.force_login(UserFactory())
    first = choose(client, former_partner.organisation)
    second = choose(client, former_partner.organisation)
    assert first.url == second.url
    assert JoinRequest.objects.count() == 1
    assert (
        OutboxEmail.objects.filter(subject__contains="asks to be").count() == 2
    )  # the two people, once each


def test_an_organisation_someone_else_added_and_left_asks_the_programme_team(client, settings):
    organisation = OrganisationFactory(created_by=UserFactory())
    stranger = UserFactory()
    client.force_login(stranger)
    page = client.get(choose(client, organisation).url).content.decode()
    assert "asked the programme team" in page
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == [settings.PROGRAMME_TEAM_EMAIL]
    assert list(JoinRequest.objects.for_team()) == [JoinRequest.objects.get(user=stranger)]


def test_an_organisation_nobody_ever_acted_for_can_be_started_by_the_first_to_choose_it(client, user):
    organisation = OrganisationFactory()
    client.force_login(user)
    choose(client, organisation)
    assert Pledge.objects.get(organisation=organisation).created_by == user
    assert not JoinRequest.objects.exists()


def test_a_member_approves_and_the_person_becomes_a_contact_and_is_told(client, former_partner):
    asker = UserFactory()
    join_request = join_requests.request_to_join(organisation=former_partner.organisation, by=asker)
    client.force_login(former_partner.created_by)
    answer = reverse("organisations:answer_join_request", kwargs={"pk": join_request.pk})
    assert asker.email in client.get(answer).content.decode()
    client.post(answer, {"decision": "approve"})
    membership = Membership.objects.get(user=asker, organisation=former_partner.organisation)
    assert membership.role == Membership.Role.CONTACT
    assert OutboxEmail.objects.filter(to=asker.email, subject__contains="approved").count() == 1
    kinds = list(OrganisationEvent.objects.values_list("kind", flat=True))
    assert kinds[-2:] == [OrganisationEvent.Kind.JOIN_REQUESTED, OrganisationEvent.Kind.JOIN_APPROVED]


def test_the_programme_team_declines_from_its_list_and_the_person_is_told(
    client, former_partner, programme_team_member
):
    asker = UserFactory()
    join_request = join_requests.request_to_join(
        organisation=OrganisationFactory(created_by=UserFactory()), by=asker
    )
    client.force_login(programme_team_member)
    listing = client.get(reverse("team:join_requests")).content.decode()
    assert join_request.organisation.name in listing
    client.post(
        reverse("organisations:answer_join_request", kwargs={"pk": join_request.pk}), {"decision": "decline"}
    )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert not Membership.objects.filter(user=asker).exists()
    assert OutboxEmail.objects.filter(to=asker.email, subject__contains="declined").count() == 1


def test_a_request_is_answered_once(former_partner):
    join_request = join_requests.request_to_join(organisation=former_partner.organisation, by=UserFactory())
    join_requests.answer_join_request(join_request=join_request, by=former_partner.created_by, approve=False)
    with pytest.raises(NotAllowed, match="already been declined"):
        join_requests.answer_join_request(
            join_request=join_request, by=former_partner.created_by, approve=True
        )


def test_nobody_else_can_answer_or_see_a_request(client, former_partner):
    asker = UserFactory()
    join_request = join_requests.request_to_join(organisation=former_partner.organisation, by=asker)
    with pytest.raises(NotAllowed):
        join_requests.answer_join_request(join_request=join_request, by=asker, approve=True)
    client.force_login(UserFactory())
    answer = reverse("organisations:answer_join_request", kwargs={"pk": join_request.pk})
    assert client.get(answer).status_code == 404
    assert client.post(answer, {"decision": "approve"}).status_code == 404
    assert (
        client.get(reverse("organisations:join_request", kwargs={"pk": join_request.pk})).status_code == 404
    )
    assert client.get(reverse("team:join_requests")).status_code == 403
    assert not Membership.objects.filter(user=asker).exists()


def test_join_request_pages_send_anyone_signed_out_to_sign_in(client, former_partner):
    join_request = join_requests.request_to_join(organisation=former_partner.organisation, by=UserFactory())
    for url in [
        reverse("organisations:join_request", kwargs={"pk": join_request.pk}),
        reverse("organisations:answer_join_request", kwargs={"pk": join_request.pk}),
        reverse("team:join_requests"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_someone_who_joins_later_does_not_see_invitations_sent_before(client, former_partner):
    asker = UserFactory()
    join_request = join_requests.request_to_join(organisation=former_partner.organisation, by=asker)
    join_requests.answer_join_request(join_request=join_request, by=former_partner.created_by, approve=True)
    contacts.invite_contact(
        organisation=former_partner.organisation, email="later@example.org", by=former_partner.created_by
    )
    client.force_login(asker)
    page = client.get(contacts_url(former_partner.organisation)).content.decode()
    assert "later@example.org" in page
    assert "pending@example.org" not in page


# Pending invitations end with the pledge ----------------------------------------------------------


@pytest.mark.parametrize("end", ["withdraw", "reject", "discard"])
def test_pending_invitations_end_when_the_pledge_ends(end, programme_team_member):
    from pledges.models import RejectionReason
    from pledges.services import decisions, signing

    pledge = {
        "withdraw": lambda: PledgeFactory(approved=True),
        "reject": lambda: PledgeFactory(submitted=True),
        "discard": lambda: PledgeFactory(),
    }[end]()
    contacts.invite_contact(
        organisation=pledge.organisation, email="pending@example.org", by=pledge.created_by
    )
    if end == "withdraw":
        decisions.withdraw_own_pledge(pledge=pledge, by=pledge.created_by, reason="Closing down")
    elif end == "reject":
        reason = RejectionReason.objects.filter(is_active=True).first()
        decisions.reject_pledge(pledge=pledge, by=programme_team_member, reason=reason)
    else:
        signing.discard_draft(pledge=pledge, by=pledge.created_by)
    assert Invitation.objects.get().revoked_at is not None
    assert OrganisationEvent.objects.filter(kind=OrganisationEvent.Kind.INVITATIONS_ENDED).count() == 1


def test_removing_a_contact_writes_an_audit_event(former_partner):
    contact = Membership.objects.get(organisation=former_partner.organisation, role=Membership.Role.CONTACT)
    contacts.remove_contact(membership=contact, by=former_partner.created_by)
    event = OrganisationEvent.objects.get(kind=OrganisationEvent.Kind.CONTACT_REMOVED)
    assert (event.actor, event.person, event.organisation) == (
        former_partner.created_by,
        contact.user,
        former_partner.organisation,
    )


def test_memberships_are_read_only_in_the_admin(admin_client, former_partner):
    organisation = former_partner.organisation
    response = admin_client.get(reverse("admin:organisations_organisation_change", args=[organisation.pk]))
    assert response.status_code == 200
    membership = Membership.objects.filter(organisation=organisation).first()
    change = reverse("admin:organisations_membership_change", args=[membership.pk])
    admin_client.post(change, {"user": UserFactory().pk, "organisation": organisation.pk, "role": "contact"})
    assert Membership.objects.get(pk=membership.pk).user_id == membership.user_id
    assert admin_client.get(reverse("admin:organisations_membership_add")).status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_someone_may_ask_to_join_a_partner_with_a_live_pledge_from_the_already_pledged_page(client):
    live = PledgeFactory(approved=True)
    stranger = UserFactory()
    client.force_login(stranger)
    page = choose(client, live.organisation).content.decode()
    assert f"Ask to join {live.organisation.name}" in page
    assert not JoinRequest.objects.exists()
    response = client.post(
        reverse("pledges:sign_choose_organisation"),
        {"organisation": live.organisation.pk, "ask_to_join": "yes"},
    )
    assert response.url == reverse("organisations:join_request", kwargs={"pk": JoinRequest.objects.get().pk})
    assert not Membership.objects.filter(user=stranger).exists()


def test_one_person_may_ask_to_join_only_so_many_organisations_a_day(client, settings):
    settings.JOIN_REQUESTS_PER_DAY_PER_PERSON = 2
    asker = UserFactory()
    for _ in range(2):
        join_requests.request_to_join(
            organisation=PledgeFactory(status=Pledge.Status.WITHDRAWN).organisation, by=asker
        )
    third = PledgeFactory(status=Pledge.Status.WITHDRAWN).organisation
    client.force_login(asker)
    response = client.post(
        reverse("pledges:sign_choose_organisation"), {"organisation": third.pk}, follow=True
    )
    assert "You have asked to join 2 organisations in the last day" in response.content.decode()
    assert JoinRequest.objects.filter(user=asker).count() == 2
