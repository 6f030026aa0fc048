"""Recording an annual review: the next cycle, new actions, progress, emails, and what is refused."""

import datetime
from functools import partial

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction

from outbox.models import OutboxEmail
from pledge_portal.errors import NotAllowed
from pledges.models import Action, ActionTheme, Commitment, Pledge, PledgeEvent, ReviewCycle
from reviews import services as reviews
from tests.factories import MembershipFactory, PledgeFactory, UserFactory
from tests.support.concurrency import at_once, refusals

pytestmark = pytest.mark.django_db


def complete_review(cycle, by, *, continue_first=True):
    """Answer every step of the review of `cycle` as `by`, without submitting it."""
    for number in (1, 2):
        reviews.save_action_progress(
            cycle=cycle,
            number=number,
            by=by,
            progress=Action.Progress.IN_PROGRESS if number == 1 else Action.Progress.COMPLETED,
            what_happened=f"What happened with action {number}",
            what_helped="Our steering group helped",
        )
    reviews.save_review_message(cycle=cycle, by=by, message="We would like help with evaluation.")
    if continue_first:
        reviews.continue_action(cycle=cycle, number=1, by=by)
    else:
        write_next_action(cycle, by, 1)
    write_next_action(cycle, by, 2)


def write_next_action(cycle, by, number):
    reviews.save_next_action(
        cycle=cycle,
        by=by,
        number=number,
        theme=ActionTheme.objects.get(slug="policy-review"),
        title=f"New action {number}",
        description="Review our recruitment policy with people with lived experience.",
        is_continuing=False,
        commitments=list(Commitment.objects.filter(number__in=[2, 6], version=cycle.pledge.version)),
    )


@pytest.fixture
def pledge_signed_10_march_2026():
    return PledgeFactory(approved=True, signed_on=datetime.date(2026, 3, 10))


def test_recording_a_review_starts_the_next_cycle_due_twelve_months_after_the_last_due_date(
    pledge_signed_10_march_2026, django_capture_on_commit_callbacks
):
    cycle = pledge_signed_10_march_2026.cycles.get()
    assert cycle.due_on == datetime.date(2027, 3, 10)
    complete_review(cycle, pledge_signed_10_march_2026.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        next_cycle = reviews.record_review(cycle=cycle, by=pledge_signed_10_march_2026.created_by)

    cycle.refresh_from_db()
    assert cycle.reviewed_at is not None
    assert cycle.reviewed_by == pledge_signed_10_march_2026.created_by
    assert next_cycle.number == 2
    assert next_cycle.starts_on == datetime.date(2027, 3, 10)
    assert next_cycle.due_on == cycle.due_on + relativedelta(months=12)
    assert (
        pledge_signed_10_march_2026.events.filter(
            kind=PledgeEvent.Kind.REVIEWED, actor=pledge_signed_10_march_2026.created_by
        ).count()
        == 1
    )


@pytest.mark.parametrize("reviewed_on", [datetime.date(2027, 1, 20), datetime.date(2027, 5, 2)])
def test_the_next_due_date_counts_from_the_due_date_not_from_the_day_of_an_early_or_late_review(
    pledge_signed_10_march_2026, reviewed_on
):
    cycle = pledge_signed_10_march_2026.cycles.get()
    with time_machine.travel(datetime.datetime.combine(reviewed_on, datetime.time(12)), tick=False):
        complete_review(cycle, pledge_signed_10_march_2026.created_by)
        next_cycle = reviews.record_review(cycle=cycle, by=pledge_signed_10_march_2026.created_by)
    assert next_cycle.due_on == datetime.date(2028, 3, 10)


def test_a_pledge_signed_on_29_february_is_due_on_28_february_and_back_on_29_february_in_leap_years():
    pledge = PledgeFactory(approved=True, signed_on=datetime.date(2028, 2, 29))
    cycle = pledge.cycles.get()
    assert cycle.due_on == datetime.date(2029, 2, 28)
    due_dates = []
    for _ in range(4):
        complete_review(cycle, pledge.created_by)
        cycle = reviews.record_review(cycle=cycle, by=pledge.created_by)
        due_dates.append(cycle.due_on)
    assert due_dates == [
        datetime.date(2030, 2, 28),
        datetime.date(2031, 2, 28),
        datetime.date(2032, 2, 29),
        datetime.date(2033, 2, 28),
    ]
    assert due_dates[0] == datetime.date(2029, 2, 28) + relativedelta(months=12)


def test_recording_a_review_stores_progress_and_moves_the_two_new_actions_into_the_next_cycle(pledge):
    cycle = pledge.cycles.get()
    first = cycle.actions.get(number=1)
    complete_review(cycle, pledge.created_by)
    next_cycle = reviews.record_review(cycle=cycle, by=pledge.created_by)

    progress = dict(cycle.actions.values_list("number", "progress"))
    assert progress == {1: Action.Progress.IN_PROGRESS, 2: Action.Progress.COMPLETED}
    assert cycle.actions.get(number=1).what_happened == "What happened with action 1"
    new_actions = list(next_cycle.actions.order_by("number"))
    assert [a.number for a in new_actions] == [1, 2]
    assert new_actions[0].title == first.title
    assert new_actions[0].is_continuing is True
    assert set(new_actions[0].commitments.all()) == set(first.commitments.all())
    assert new_actions[1].title == "New action 2"
    assert not Action.objects.filter(pledge=pledge, cycle__isnull=True).exists()
    cycle.refresh_from_db()
    assert cycle.message_to_team == "We would like help with evaluation."
    assert cycle.show_progress is True  # the pledge's own choice, as nothing else was chosen


def test_emails_go_out_only_after_the_review_commits(
    pledge_signed_10_march_2026, django_capture_on_commit_callbacks
):
    contact = MembershipFactory(organisation=pledge_signed_10_march_2026.organisation, role="contact").user
    cycle = pledge_signed_10_march_2026.cycles.get()
    complete_review(cycle, pledge_signed_10_march_2026.created_by)
    with django_capture_on_commit_callbacks() as callbacks:
        reviews.record_review(cycle=cycle, by=pledge_signed_10_march_2026.created_by)
        assert mail.outbox == []
    assert OutboxEmail.objects.count() == 3
    for callback in callbacks:
        callback()
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(
        [pledge_signed_10_march_2026.created_by.email, contact.email, settings.PROGRAMME_TEAM_EMAIL]
    )
    thanks = next(m for m in mail.outbox if m.to == [contact.email])
    assert "Thank you" in thanks.subject
    assert "10 March 2028" in thanks.body


def test_a_contact_can_complete_the_review(pledge):
    contact = MembershipFactory(organisation=pledge.organisation, role="contact").user
    cycle = pledge.cycles.get()
    complete_review(cycle, contact)
    reviews.record_review(cycle=cycle, by=contact)
    cycle.refresh_from_db()
    assert cycle.reviewed_by == contact


def test_a_review_cannot_be_recorded_twice(pledge):
    cycle = pledge.cycles.get()
    complete_review(cycle, pledge.created_by)
    reviews.record_review(cycle=cycle, by=pledge.created_by)
    with pytest.raises(NotAllowed, match="already been submitted"):
        reviews.record_review(cycle=cycle, by=pledge.created_by)
    assert ReviewCycle.objects.filter(pledge=pledge).count() == 2


def test_the_review_of_a_withdrawn_pledge_is_refused(pledge):
    cycle = pledge.cycles.get()
    complete_review(cycle, pledge.created_by)
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.WITHDRAWN)
    with pytest.raises(NotAllowed, match="withdrawn"):
        reviews.record_review(cycle=cycle, by=pledge.created_by)
    assert ReviewCycle.objects.filter(pledge=pledge).count() == 1


def test_someone_outside_the_organisation_cannot_review_or_save_drafts(pledge):
    cycle = pledge.cycles.get()
    complete_review(cycle, pledge.created_by)
    stranger = UserFactory()
    with pytest.raises(NotAllowed, match="Only people at"):
        reviews.record_review(cycle=cycle, by=stranger)
    with pytest.raises(NotAllowed, match="Only people at"):
        reviews.save_review_message(cycle=cycle, by=stranger, message="Hello")
    cycle.refresh_from_db()
    assert cycle.reviewed_at is None
    assert cycle.message_to_team == "We would like help with evaluation."


def test_a_review_with_missing_answers_is_refused(pledge):
    cycle = pledge.cycles.get()
    with pytest.raises(NotAllowed, match="how each action went"):
        reviews.record_review(cycle=cycle, by=pledge.created_by)
    complete_review(cycle, pledge.created_by)
    Action.objects.filter(pledge=pledge, cycle__isnull=True, number=2).delete()
    with pytest.raises(NotAllowed, match="two actions for the coming year"):
        reviews.record_review(cycle=cycle, by=pledge.created_by)


def test_a_pledge_has_at_most_one_cycle_awaiting_review(pledge_signed_10_march_2026):
    cycle = pledge_signed_10_march_2026.cycles.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewCycle.objects.create(
            pledge=pledge_signed_10_march_2026,
            number=2,
            starts_on=cycle.due_on,
            due_on=cycle.due_on.replace(year=2028),
        )


def test_the_team_acknowledges_a_review_once_and_the_partner_gets_the_message(
    pledge, programme_team_member, django_capture_on_commit_callbacks
):
    cycle = pledge.cycles.get()
    complete_review(cycle, pledge.created_by)
    reviews.record_review(cycle=cycle, by=pledge.created_by)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reviews.acknowledge_review(
            cycle=cycle, by=programme_team_member, message="Lovely to read, thank you."
        )
    cycle.refresh_from_db()
    assert cycle.acknowledged_by == programme_team_member
    assert [m.to for m in mail.outbox] == [[pledge.created_by.email]]
    assert "Lovely to read, thank you." in mail.outbox[0].body
    assert pledge.events.filter(kind=PledgeEvent.Kind.REVIEW_ACKNOWLEDGED).count() == 1
    with pytest.raises(NotAllowed, match="already been acknowledged"):
        reviews.acknowledge_review(cycle=cycle, by=programme_team_member)


def test_only_the_team_can_acknowledge_and_only_a_submitted_review(pledge, programme_team_member):
    cycle = pledge.cycles.get()
    with pytest.raises(NotAllowed, match="not been submitted"):
        reviews.acknowledge_review(cycle=cycle, by=programme_team_member)
    complete_review(cycle, pledge.created_by)
    reviews.record_review(cycle=cycle, by=pledge.created_by)
    with pytest.raises(NotAllowed, match="Only the programme team"):
        reviews.acknowledge_review(cycle=cycle, by=pledge.created_by)


@pytest.mark.django_db(transaction=True)
def test_two_people_submitting_the_review_at_once_start_one_next_cycle():
    pledge = PledgeFactory(approved=True)
    contact = MembershipFactory(organisation=pledge.organisation, role="contact").user
    cycle = pledge.cycles.get()
    complete_review(cycle, contact)
    outcomes = at_once(
        *(partial(reviews.record_review, cycle=cycle, by=by) for by in (pledge.created_by, contact))
    )
    assert len(refusals(outcomes, NotAllowed)) == 1
    assert list(pledge.cycles.values_list("number", flat=True)) == [1, 2]
    assert pledge.events.filter(kind=PledgeEvent.Kind.REVIEWED).count() == 1
