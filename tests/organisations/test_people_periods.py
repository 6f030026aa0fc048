"""Nobody sees the people or invitations of a period they were not part of (issue 10 §1), and every list
of an organisation's people keeps to the current period (issue 25 §3)."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from organisations import selectors
from organisations.models import JoinRequest, Membership
from organisations.services import contacts, join_requests
from outbox.models import OutboxEmail
from pledge_portal.errors import NotAllowed
from pledges.models import ReviewCycle
from pledges.services import decisions, leadership, signing
from privacy.services import close_account
from reviews import lapsing
from reviews import services as review_services
from reviews.reminders import send_due_reminders
from tests.factories import MembershipFactory, PledgeFactory, UserFactory
from tests.support.signing_in import sign_in_recently

pytestmark = pytest.mark.django_db


@pytest.fixture
def former_partner():
    """A partner whose pledge was withdrawn through the service, with its signatory and a contact."""
    pledge = PledgeFactory(approved=True)
    MembershipFactory(organisation=pledge.organisation, role=Membership.Role.CONTACT)
    decisions.withdraw_own_pledge(pledge=pledge, by=pledge.created_by, reason="Closing down")
    return pledge.organisation


@pytest.fixture
def newcomer(former_partner, programme_team_member):
    """A stranger whose request to join the former partner the programme team approved."""
    stranger = UserFactory()
    join_request = join_requests.request_to_join(organisation=former_partner, by=stranger)
    join_requests.answer_join_request(join_request=join_request, by=programme_team_member, approve=True)
    return stranger


def earlier_people(organisation, newcomer):
    return list(Membership.objects.filter(organisation=organisation).exclude(user=newcomer))


def test_someone_let_in_after_the_pledge_ended_sees_none_of_the_earlier_people(
    client, former_partner, newcomer
):
    client.force_login(newcomer)

    page = client.get(reverse("organisations:contacts", kwargs={"organisation_id": former_partner.pk}))

    assert page.status_code == 200
    assert newcomer.email.encode() in page.content
    earlier = earlier_people(former_partner, newcomer)
    assert len(earlier) == 2
    for membership in earlier:
        assert membership.user.email.encode() not in page.content
        assert membership.user.name.encode() not in page.content


def test_someone_let_in_after_the_pledge_ended_cannot_remove_the_earlier_people(
    client, former_partner, newcomer
):
    sign_in_recently(client, newcomer)  # past the password check, to reach the permission check
    for membership in earlier_people(former_partner, newcomer):
        remove = reverse(
            "organisations:remove_contact",
            kwargs={"organisation_id": former_partner.pk, "membership_id": membership.pk},
        )
        assert client.get(remove).status_code == 404
        assert client.post(remove).status_code == 404
        with pytest.raises(NotAllowed):
            contacts.remove_contact(membership=membership, by=newcomer)
    assert Membership.objects.filter(organisation=former_partner).count() == 3


def test_the_newcomers_pledge_page_lists_only_the_people_of_their_period(client, former_partner, newcomer):
    PledgeFactory(approved=True, organisation=former_partner, created_by=newcomer)
    client.force_login(newcomer)

    page = client.get(reverse("pledges:my_pledges"))

    assert newcomer.name.encode() in page.content
    for membership in earlier_people(former_partner, newcomer):
        assert membership.user.name.encode() not in page.content


def test_the_newcomer_still_sees_none_of_the_earlier_people_after_their_own_pledge_ends(
    client, former_partner, newcomer
):
    their_pledge = PledgeFactory(approved=True, organisation=former_partner, created_by=newcomer)
    decisions.withdraw_own_pledge(pledge=their_pledge, by=newcomer, reason="Merged with another partner")
    client.force_login(newcomer)

    page = client.get(reverse("organisations:contacts", kwargs={"organisation_id": former_partner.pk}))

    assert newcomer.email.encode() in page.content
    for membership in earlier_people(former_partner, newcomer):
        assert membership.user.email.encode() not in page.content


def test_people_of_the_earlier_period_still_see_everyone(client, former_partner, newcomer):
    signatory = earlier_people(former_partner, newcomer)[0].user
    client.force_login(signatory)

    page = client.get(reverse("organisations:contacts", kwargs={"organisation_id": former_partner.pk}))

    for membership in Membership.objects.filter(organisation=former_partner):
        assert membership.user.email.encode() in page.content


def test_people_who_join_the_new_period_see_each_other(client, former_partner, newcomer):
    _, token = contacts.invite_contact(
        organisation=former_partner, email="colleague@example.org", by=newcomer
    )
    colleague = UserFactory(email="colleague@example.org")
    contacts.accept_invitation(token=token, user=colleague)
    client.force_login(colleague)

    page = client.get(reverse("organisations:contacts", kwargs={"organisation_id": former_partner.pk}))

    assert newcomer.email.encode() in page.content
    for membership in earlier_people(former_partner, newcomer):
        if membership.user != colleague:
            assert membership.user.email.encode() not in page.content


def test_an_invitation_sent_before_someone_joined_cannot_be_withdrawn_by_them():
    """Invitations are shown only from when a person joined; acting on the others is refused too."""
    organisation = PledgeFactory(approved=True).organisation
    signatory = Membership.objects.get(organisation=organisation).user
    invitation, _ = contacts.invite_contact(
        organisation=organisation, email="early@example.org", by=signatory
    )
    _, token = contacts.invite_contact(organisation=organisation, email="later@example.org", by=signatory)
    later = UserFactory(email="later@example.org")
    contacts.accept_invitation(token=token, user=later)

    with pytest.raises(NotAllowed):
        contacts.revoke_invitation(invitation=invitation, by=later)

    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# Issue 25 §3: every list of an organisation's people keeps to the current period. The people of an
# ended period stay members (they still see their own history), but the organisation's next pledge is
# not theirs to act for: they are not asked about newcomers, not offered as signatory, not emailed.


@pytest.fixture
def earlier_signatory(former_partner):
    return Membership.objects.get(organisation=former_partner, role=Membership.Role.SIGNATORY).user


def test_a_request_to_join_after_the_pledge_ended_goes_to_the_programme_team_not_the_earlier_people(
    former_partner, settings
):
    stranger = UserFactory()

    join_requests.request_to_join(organisation=former_partner, by=stranger)

    asked = set(OutboxEmail.objects.filter(subject__contains="asks").values_list("to", flat=True))
    assert asked == {settings.PROGRAMME_TEAM_EMAIL}


def test_the_earlier_people_cannot_answer_a_request_to_join_made_after_the_pledge_ended(
    client, former_partner, earlier_signatory
):
    join_request = join_requests.request_to_join(organisation=former_partner, by=UserFactory())
    answer = reverse("organisations:answer_join_request", kwargs={"pk": join_request.pk})
    client.force_login(earlier_signatory)

    assert client.get(answer).status_code == 404
    assert client.post(answer, {"decision": "approve"}).status_code == 404
    with pytest.raises(NotAllowed):
        join_requests.answer_join_request(join_request=join_request, by=earlier_signatory, approve=True)
    assert not selectors.may_answer(join_request=join_request, user=earlier_signatory)


def test_a_request_to_join_after_the_pledge_ended_waits_in_the_programme_teams_list(
    client, former_partner, programme_team_member
):
    join_request = join_requests.request_to_join(
        organisation=former_partner, by=UserFactory(name="Sam Stranger")
    )
    client.force_login(programme_team_member)

    page = client.get(reverse("team:join_requests"))

    assert list(JoinRequest.objects.for_team()) == [join_request]
    assert b"Sam Stranger" in page.content


def test_the_request_page_says_the_programme_team_was_asked(client, former_partner):
    stranger = UserFactory()
    join_request = join_requests.request_to_join(organisation=former_partner, by=stranger)
    client.force_login(stranger)

    page = client.get(reverse("organisations:join_request", kwargs={"pk": join_request.pk}))

    assert page.context["asked_the_team"] is True


@pytest.fixture
def newcomers_pledge(former_partner, newcomer, programme_team_member):
    """The issue's steps: the stranger let in after the pledge ended signs a new pledge, which is approved."""
    pledge = PledgeFactory(submitted=True, organisation=former_partner, created_by=newcomer)
    decisions.approve_pledge(pledge=pledge, by=programme_team_member)
    return pledge


def test_the_newcomers_change_of_signatory_offers_none_of_the_earlier_people(
    client, former_partner, newcomer, newcomers_pledge, earlier_signatory
):
    client.force_login(newcomer)
    url = reverse("pledges:change_signatory", args=[newcomers_pledge.pk])

    page = client.get(url)

    assert page.status_code == 200
    for membership in earlier_people(former_partner, newcomer):
        assert membership.user.name.encode() not in page.content
        assert membership.user.email.encode() not in page.content
    earlier = Membership.objects.get(organisation=former_partner, user=earlier_signatory)
    assert client.post(url, {"new_signatory": earlier.pk}).status_code == 200  # the form, with its error
    with pytest.raises(NotAllowed):
        leadership.start_signatory_change(
            pledge=newcomers_pledge, by=newcomer, new_signatory=earlier_signatory
        )


def test_the_programme_team_changing_the_signatory_is_offered_none_of_the_earlier_people(
    client, former_partner, newcomer, newcomers_pledge, programme_team_member
):
    client.force_login(programme_team_member)

    page = client.get(reverse("pledges:change_signatory", args=[newcomers_pledge.pk]))

    assert newcomer.name.encode() in page.content
    for membership in earlier_people(former_partner, newcomer):
        assert membership.user.name.encode() not in page.content
    with pytest.raises(NotAllowed):
        leadership.start_signatory_change(
            pledge=newcomers_pledge,
            by=programme_team_member,
            new_signatory=earlier_people(former_partner, newcomer)[0].user,
        )


def emailed(former_partner, newcomer, template_subject):
    recipients = set(
        OutboxEmail.objects.filter(subject__contains=template_subject).values_list("to", flat=True)
    )
    earlier = {membership.user.email for membership in earlier_people(former_partner, newcomer)}
    return recipients, earlier


def test_the_annual_review_reminders_of_the_new_pledge_go_to_its_people_only(
    former_partner, newcomer, newcomers_pledge
):
    cycle = newcomers_pledge.cycles.get()
    ReviewCycle.objects.filter(pk=cycle.pk).update(
        starts_on=timezone.localdate() - datetime.timedelta(days=365), due_on=timezone.localdate()
    )
    OutboxEmail.objects.all().delete()

    send_due_reminders(on=timezone.localdate())

    recipients = set(OutboxEmail.objects.values_list("to", flat=True))
    assert newcomer.email in recipients
    assert recipients.isdisjoint({m.user.email for m in earlier_people(former_partner, newcomer)})


def test_the_teams_acknowledgement_of_a_review_goes_to_the_new_pledges_people_only(
    former_partner, newcomer, newcomers_pledge, programme_team_member
):
    cycle = newcomers_pledge.cycles.get()
    ReviewCycle.objects.filter(pk=cycle.pk).update(reviewed_at=timezone.now(), reviewed_by=newcomer)
    OutboxEmail.objects.all().delete()

    review_services.acknowledge_review(cycle=cycle, by=programme_team_member, message="Thank you")

    recipients = set(OutboxEmail.objects.values_list("to", flat=True))
    assert recipients == {newcomer.email}


def test_more_time_for_a_review_is_told_to_the_new_pledges_people_only(
    former_partner, newcomer, newcomers_pledge, programme_team_member
):
    OutboxEmail.objects.all().delete()

    lapsing.give_more_time(
        cycle=newcomers_pledge.cycles.get(),
        by=programme_team_member,
        until=timezone.localdate() + datetime.timedelta(days=30),
        reason="Staff changes",
    )

    assert set(OutboxEmail.objects.values_list("to", flat=True)) == {newcomer.email}


def test_a_decision_on_a_pledge_whose_signatory_has_gone_is_emailed_to_its_periods_people_only(
    former_partner, newcomer, newcomers_pledge, programme_team_member
):
    _, token = contacts.invite_contact(
        organisation=former_partner, email="colleague@example.org", by=newcomer
    )
    contacts.accept_invitation(token=token, user=UserFactory(email="colleague@example.org"))
    close_account(user=newcomer)
    OutboxEmail.objects.all().delete()

    decisions.withdraw_pledge(pledge=newcomers_pledge, by=programme_team_member, reason="Closed down")

    recipients = set(
        OutboxEmail.objects.exclude(to=settings.PROGRAMME_TEAM_EMAIL).values_list("to", flat=True)
    )
    assert recipients == {"colleague@example.org"}


def test_someone_of_an_earlier_period_who_signs_again_acts_for_the_new_pledge(
    client, former_partner, earlier_signatory
):
    pledge = signing.start_pledge(organisation=former_partner, by=earlier_signatory)

    assert (
        Membership.objects.filter(organisation=former_partner).of_current_period().get().user
        == earlier_signatory
    )
    assert selectors.may_answer(
        join_request=join_requests.request_to_join(organisation=former_partner, by=UserFactory()),
        user=earlier_signatory,
    )
    assert pledge.created_by == earlier_signatory


def test_the_teams_page_for_the_new_pledge_lists_only_its_periods_people(
    client, former_partner, newcomer, newcomers_pledge, programme_team_member
):
    client.force_login(programme_team_member)

    page = client.get(reverse("team:pledge", args=[newcomers_pledge.pk]))

    assert newcomer.email.encode() in page.content
    for membership in earlier_people(former_partner, newcomer):
        assert membership.user.email.encode() not in page.content
