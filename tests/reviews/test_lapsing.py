"""Lapsing, gently: the last notice, the team's confirmation (or the sweep's), more time, and the return."""

import datetime
import secrets
from datetime import timedelta
from functools import partial

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.urls import reverse

from directory import services as directory
from directory.models import DirectoryBuildRequest
from organisations.models import Invitation, Membership, OrganisationEvent
from outbox.models import OutboxEmail
from pledge_portal.errors import NotAllowed
from pledges.models import Pledge, PledgeEvent, ReviewCycle
from pledges.services import decisions
from reviews import lapsing, reminders
from reviews import services as reviews
from reviews.models import Reminder
from tests.factories import MembershipFactory, PledgeFactory, UserFactory, bulk_pledges
from tests.reviews.test_services import complete_review
from tests.support.concurrency import at_once, refusals

DUE_ON = datetime.date(2027, 6, 15)
ESCALATED_ON = DUE_ON + timedelta(days=28)
NOTICE_ON = DUE_ON + timedelta(days=90 - 14)
LAPSES_ON = DUE_ON + timedelta(days=90)
LAPSE_MESSAGE = "We tried to reach you; we would love you back."


def approved_pledge(**kwargs):
    """An approved pledge whose first review is due on DUE_ON, with a contact as well as its signatory."""
    kwargs.setdefault("signed_on", DUE_ON - relativedelta(months=12))
    pledge = PledgeFactory(approved=True, **kwargs)
    MembershipFactory(organisation=pledge.organisation, role=Membership.Role.CONTACT)
    return pledge


def at(day, hour=7):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour)), tick=False)


def sweep_on(day, **kwargs):
    with at(day):
        return reminders.send_due_reminders(**kwargs)


def emails_with(subject_part):
    return OutboxEmail.objects.filter(subject__contains=subject_part)


def lapse_notices():
    return emails_with("will lapse on")


def lapsed_emails():
    return emails_with("Your pledge has lapsed")


def people_of(pledge):
    return set(
        Membership.objects.filter(organisation=pledge.organisation).values_list("user__email", flat=True)
    )


@pytest.fixture
def team_member(programme_team_member):
    return programme_team_member


# The path, day by day --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_whole_path_escalation_notice_confirmed_lapse_and_return_under_frozen_time(team_member, client):
    pledge = approved_pledge()
    cycle = pledge.cycles.get()
    notice_days = []
    day = DUE_ON
    while day <= LAPSES_ON + timedelta(days=5):
        if sweep_on(day)[Reminder.Kind.LAPSE_NOTICE]:
            notice_days.append(day)
        day += timedelta(days=1)

    # The last notice went once, 14 days before the lapse, to every contact, saying when and how to stop it.
    assert notice_days == [NOTICE_ON]
    assert {email.to for email in lapse_notices()} == people_of(pledge)
    assert lapse_notices().count() == 2
    body = lapse_notices().first().body_text
    assert "13 September 2027" in body  # DUE_ON + 90
    assert f"/my/reviews/{cycle.pk}/" in body
    assert settings.PROGRAMME_TEAM_EMAIL in body

    # Without LAPSE_AUTOMATICALLY nothing lapses by itself: the team sees it due to lapse.
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED
    assert list(Reminder.cycles_due_to_lapse(on=LAPSES_ON)) == [cycle]
    assert list(Reminder.cycles_due_to_lapse(on=LAPSES_ON - timedelta(days=1))) == []

    with at(LAPSES_ON + timedelta(days=5), hour=10):
        assert lapsing.lapse_pledges(cycle_ids=[cycle.pk], by=team_member, message=LAPSE_MESSAGE) == 1
        # Confirming again (a second click, another team member) lapses nothing more.
        assert lapsing.lapse_pledges(cycle_ids=[cycle.pk], by=team_member, message=LAPSE_MESSAGE) == 0
        directory.build_directory()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.LAPSED
    event = pledge.events.get(kind=PledgeEvent.Kind.LAPSED)
    assert (event.actor, event.from_status, event.note) == (team_member, "approved", LAPSE_MESSAGE)
    assert {email.to for email in lapsed_emails()} == people_of(pledge)
    assert lapsed_emails().count() == 2
    assert LAPSE_MESSAGE in lapsed_emails().first().body_text
    assert f"/my/reviews/{cycle.pk}/" in lapsed_emails().first().body_text

    # The directory drops the partner: its page answers 410, "no longer listed".
    response = client.get(reverse("directory:partner", kwargs={"slug": pledge.organisation.slug}))
    assert response.status_code == 410
    assert b"lapsed" in response.content
    # Later sweeps send nothing more about this cycle.
    assert sum(sweep_on(LAPSES_ON + timedelta(days=30)).values()) == 0

    # A contact completes the overdue review: the partner returns, and its history keeps the gap.
    contact = Membership.objects.get(organisation=pledge.organisation, role=Membership.Role.CONTACT).user
    with at(LAPSES_ON + timedelta(days=40), hour=10):
        complete_review(cycle, contact)
        reviews.record_review(cycle=cycle, by=contact)
        directory.build_directory()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED
    kinds = list(pledge.events.status_changes().order_by("created_at", "pk").values_list("kind", flat=True))
    assert kinds[-2:] == [PledgeEvent.Kind.LAPSED, PledgeEvent.Kind.RETURNED]
    assert (
        client.get(reverse("directory:partner", kwargs={"slug": pledge.organisation.slug})).status_code == 200
    )
    welcomed = [email.to for email in OutboxEmail.objects.all() if "Welcome back" in email.body_text]
    assert set(welcomed) == people_of(pledge)


@pytest.mark.django_db
def test_with_lapse_automatically_the_sweep_lapses_on_the_day_and_emails_once(settings):
    settings.LAPSE_AUTOMATICALLY = True
    pledge = approved_pledge()
    lapsed_on = []
    day = DUE_ON
    while day <= LAPSES_ON + timedelta(days=10):
        if sweep_on(day).get("lapsed"):
            lapsed_on.append(day)
        day += timedelta(days=1)
    assert lapsed_on == [LAPSES_ON]
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.LAPSED
    event = pledge.events.get(kind=PledgeEvent.Kind.LAPSED)
    assert event.actor is None
    assert "automatically" in event.note
    assert lapsed_emails().count() == 2


@pytest.mark.django_db
def test_a_notice_sent_late_after_downtime_still_gives_the_full_notice_before_any_lapse(settings):
    settings.LAPSE_AUTOMATICALLY = True
    pledge = approved_pledge()
    sweep_on(ESCALATED_ON)
    # The sweep did not run from the escalation until the very day of the lapse.
    sent = sweep_on(LAPSES_ON)
    assert (sent[Reminder.Kind.LAPSE_NOTICE], sent["lapsed"]) == (1, 0)
    assert "27 September 2027" in lapse_notices().first().body_text  # LAPSES_ON + 14
    assert sweep_on(LAPSES_ON + timedelta(days=13))["lapsed"] == 0
    assert sweep_on(LAPSES_ON + timedelta(days=14))["lapsed"] == 1
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.LAPSED


@pytest.mark.django_db
def test_no_notice_before_the_escalation_and_none_for_reviewed_or_withdrawn_pledges():
    approved_pledge()
    # The escalation never ran (the sweep was down): the notice waits for it.
    assert Reminder.cycles_due(on=NOTICE_ON, kind=Reminder.Kind.LAPSE_NOTICE).count() == 0
    reviewed = approved_pledge()
    withdrawn = approved_pledge()
    sweep_on(ESCALATED_ON)
    ReviewCycle.objects.filter(pledge=reviewed).update(
        reviewed_at=datetime.datetime(2027, 7, 1, tzinfo=datetime.UTC)
    )
    Pledge.objects.filter(pk=withdrawn.pk).update(status=Pledge.Status.WITHDRAWN)
    assert sweep_on(NOTICE_ON)[Reminder.Kind.LAPSE_NOTICE] == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_notice_and_each_lapse_exactly_once(settings):
    settings.LAPSE_AUTOMATICALLY = True
    pledges = bulk_pledges(30, approved=True, signed_on=DUE_ON - relativedelta(months=12))
    sweep_on(ESCALATED_ON)
    sweep = partial(sweep_on, NOTICE_ON, batch_size=4)
    assert refusals(at_once(sweep, sweep)) == []
    assert Reminder.objects.filter(kind=Reminder.Kind.LAPSE_NOTICE).count() == 30
    sweep = partial(sweep_on, LAPSES_ON, batch_size=4)
    outcomes = at_once(sweep, sweep)
    assert refusals(outcomes) == []
    assert sum(outcome["lapsed"] for outcome in outcomes) == 30
    assert Pledge.objects.filter(status=Pledge.Status.LAPSED).count() == 30
    for pledge in pledges:
        assert lapse_notices().filter(to=pledge.created_by.email).count() == 1
        assert lapsed_emails().filter(to=pledge.created_by.email).count() == 1
        assert pledge.events.filter(kind=PledgeEvent.Kind.LAPSED).count() == 1


def pending_invitations(pledges):
    """An invitation waiting to be accepted, for each pledge's organisation."""
    Invitation.objects.bulk_create(
        Invitation(
            organisation=pledge.organisation,
            email=f"invited-{pledge.pk}@example.org",
            token_hash=Invitation.hash_token(secrets.token_urlsafe()),
            invited_by=pledge.created_by,
            expires_at=datetime.datetime.combine(
                LAPSES_ON + timedelta(days=30), datetime.time(), datetime.UTC
            ),
        )
        for pledge in pledges
    )


@pytest.mark.django_db
@pytest.mark.parametrize("due_cycles", [6, 60])
def test_the_automatic_lapse_takes_the_same_queries_for_a_batch_of_any_size(
    settings, due_cycles, django_assert_max_num_queries
):
    settings.LAPSE_AUTOMATICALLY = True
    pending_invitations(bulk_pledges(due_cycles, approved=True, signed_on=DUE_ON - relativedelta(months=12)))
    sweep_on(ESCALATED_ON)
    sweep_on(NOTICE_ON)
    # One batch, whatever its size: the savepoint pair, the claim, the people, the status UPDATE,
    # the invitations (lock, UPDATE), the organisations' events, the pledges' events, the outbox
    # (its recipients' accounts, the INSERT) and the directory's build request. Each of the five
    # kinds of reminder finds none due, in a savepoint pair and a claim.
    with django_assert_max_num_queries(12 + 3 * 5):
        assert sweep_on(LAPSES_ON, batch_size=500)["lapsed"] == due_cycles
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("due_cycles", [3, 30])
def test_the_team_confirms_any_number_of_lapses_in_the_same_queries(
    team_member, due_cycles, django_assert_max_num_queries
):
    pledges = bulk_pledges(due_cycles, approved=True, signed_on=DUE_ON - relativedelta(months=12))
    pending_invitations(pledges)
    sweep_on(ESCALATED_ON)
    sweep_on(NOTICE_ON)
    cycle_ids = list(ReviewCycle.objects.values_list("pk", flat=True))
    # Whether they are in the team; then as the sweep's batch: the savepoint pair, the claim, the
    # people, the status UPDATE, the invitations (lock, UPDATE), both kinds of event, the outbox
    # (its recipients' accounts, the INSERT) and the build request.
    with at(LAPSES_ON, hour=10), django_assert_max_num_queries(1 + 12):
        assert lapsing.lapse_pledges(cycle_ids=cycle_ids, by=team_member, message=LAPSE_MESSAGE) == due_cycles


@pytest.mark.django_db
def test_a_batch_of_lapses_ends_each_partners_period_and_asks_the_directory_once(team_member):
    pledges = [approved_pledge() for _ in range(3)]
    pending_invitations(pledges[:2])
    pending_invitations(pledges[:1])
    elsewhere = approved_pledge(signed_on=DUE_ON)  # reviewed a month later: not due to lapse yet
    pending_invitations([elsewhere])
    sweep_on(ESCALATED_ON)
    sweep_on(NOTICE_ON)
    DirectoryBuildRequest.objects.all().delete()
    cycle_ids = [pledge.cycles.get().pk for pledge in pledges]
    with at(LAPSES_ON, hour=10):
        assert lapsing.lapse_pledges(cycle_ids=cycle_ids, by=team_member, message=LAPSE_MESSAGE) == 3
    # One write for the batch: a request naming each partner, so only their rows are built again.
    requested = DirectoryBuildRequest.objects.values_list("organisation_id", flat=True)
    assert sorted(requested) == sorted(pledge.organisation_id for pledge in pledges)
    for pledge, invitations in zip(pledges, (2, 1, 0), strict=True):
        events = OrganisationEvent.objects.filter(organisation=pledge.organisation, actor=team_member)
        assert events.filter(kind=OrganisationEvent.Kind.PERIOD_ENDED).count() == 1
        ended = events.filter(kind=OrganisationEvent.Kind.INVITATIONS_ENDED)
        assert [event.note for event in ended] == (
            [f"{invitations} pending invitation{'s' * (invitations > 1)}"] if invitations else []
        )
        assert not pledge.organisation.invitations.filter(revoked_at__isnull=True).exists()
        event = pledge.events.get(kind=PledgeEvent.Kind.LAPSED)
        assert (event.actor, event.from_status, event.to_status, event.note) == (
            team_member,
            Pledge.Status.APPROVED,
            Pledge.Status.LAPSED,
            LAPSE_MESSAGE,
        )
    assert elsewhere.organisation.invitations.get().revoked_at is None
    assert not OrganisationEvent.objects.filter(organisation=elsewhere.organisation).exists()


# The team's decisions -------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_team_confirms_a_lapse_and_it_needs_a_message(team_member):
    pledge = approved_pledge()
    sweep_on(ESCALATED_ON)
    sweep_on(NOTICE_ON)
    cycle = pledge.cycles.get()
    with at(LAPSES_ON, hour=10):
        with pytest.raises(NotAllowed):
            lapsing.lapse_pledges(cycle_ids=[cycle.pk], by=pledge.created_by, message=LAPSE_MESSAGE)
        with pytest.raises(NotAllowed):
            lapsing.lapse_pledges(cycle_ids=[cycle.pk], by=team_member, message="  ")
    # Not yet due to lapse the day before: confirming changes nothing.
    with at(LAPSES_ON - timedelta(days=1), hour=10):
        assert lapsing.lapse_pledges(cycle_ids=[cycle.pk], by=team_member, message=LAPSE_MESSAGE) == 0
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED


@pytest.mark.django_db
def test_more_time_moves_the_lapse_records_an_event_and_tells_the_contacts(team_member):
    pledge = approved_pledge()
    sweep_on(ESCALATED_ON)
    sweep_on(NOTICE_ON)
    cycle = pledge.cycles.get()
    new_date = LAPSES_ON + timedelta(days=30)
    with at(LAPSES_ON - timedelta(days=2), hour=10):
        with pytest.raises(NotAllowed):
            lapsing.give_more_time(cycle=cycle, by=pledge.created_by, until=new_date, reason="Leader away")
        with pytest.raises(NotAllowed):
            lapsing.give_more_time(
                cycle=cycle, by=team_member, until=LAPSES_ON - timedelta(days=3), reason="x"
            )
        lapsing.give_more_time(cycle=cycle, by=team_member, until=new_date, reason="Their leader is away")
    cycle.refresh_from_db()
    assert cycle.more_time_until == new_date
    assert cycle.lapses_on == new_date
    assert list(Reminder.cycles_due_to_lapse(on=LAPSES_ON)) == []
    assert list(Reminder.cycles_due_to_lapse(on=new_date)) == [cycle]
    event = pledge.events.get(kind=PledgeEvent.Kind.MORE_TIME)
    assert event.actor == team_member
    assert "Their leader is away" in event.note
    assert "13 October 2027" in event.note
    emails = emails_with("More time")
    assert {email.to for email in emails} == people_of(pledge)
    assert "13 October 2027" in emails.first().body_text


@pytest.mark.django_db
def test_the_team_reinstates_a_lapsed_pledge_with_time_to_review(team_member):
    pledge = approved_pledge()
    sweep_on(ESCALATED_ON)
    sweep_on(NOTICE_ON)
    cycle = pledge.cycles.get()
    with at(LAPSES_ON, hour=10):
        lapsing.lapse_pledges(cycle_ids=[cycle.pk], by=team_member, message=LAPSE_MESSAGE)
    other = UserFactory()
    other.groups.set(team_member.groups.all())
    with at(LAPSES_ON + timedelta(days=10), hour=10):
        decisions.reinstate_pledge(pledge=pledge, by=other, note="They called us.")
    pledge.refresh_from_db()
    cycle.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED
    assert cycle.more_time_until == LAPSES_ON + timedelta(days=10 + settings.LAPSE_AFTER_DAYS)
    assert list(Reminder.cycles_due_to_lapse(on=LAPSES_ON + timedelta(days=20))) == []
    kinds = list(pledge.events.status_changes().order_by("created_at", "pk").values_list("kind", flat=True))
    assert kinds[-2:] == [PledgeEvent.Kind.LAPSED, PledgeEvent.Kind.REINSTATED]


@pytest.mark.django_db
def test_a_lapsed_partner_whose_organisation_started_again_cannot_return_through_the_old_review(team_member):
    pledge = approved_pledge()
    sweep_on(ESCALATED_ON)
    sweep_on(NOTICE_ON)
    cycle = pledge.cycles.get()
    with at(LAPSES_ON, hour=10):
        lapsing.lapse_pledges(cycle_ids=[cycle.pk], by=team_member, message=LAPSE_MESSAGE)
    PledgeFactory(organisation=pledge.organisation, created_by=pledge.created_by)
    complete_review(cycle, pledge.created_by)
    with pytest.raises(NotAllowed, match="started another pledge"):
        reviews.record_review(cycle=cycle, by=pledge.created_by)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.LAPSED
