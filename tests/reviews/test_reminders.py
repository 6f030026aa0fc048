"""The review reminder sweep: each reminder once, on its day, caught up after downtime, never misdirected."""

import datetime
import time
from datetime import timedelta
from functools import partial

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from outbox import tasks as outbox_tasks
from outbox.models import OutboxEmail
from pledge_portal.celery import app as celery_app
from pledges.models import Pledge, ReviewCycle
from reviews import reminders
from reviews.models import Reminder
from tests.factories import MembershipFactory, PledgeFactory, bulk_pledges
from tests.support.concurrency import at_once, refusals
from tests.support.waiting import wait_for

UPCOMING, DUE, OVERDUE, ESCALATION, LAPSE_NOTICE = Reminder.Kind.values
DUE_ON = datetime.date(2027, 6, 15)


def approved_pledge(due_on=DUE_ON, **kwargs):
    """An approved pledge whose first review is due on `due_on`."""
    return PledgeFactory(approved=True, signed_on=due_on - relativedelta(months=12), **kwargs)


def approved_pledges(count):
    """`count` approved pledges whose first review is due on DUE_ON, written in bulk."""
    return bulk_pledges(count, approved=True, signed_on=DUE_ON - relativedelta(months=12))


def sweep_on(day, **kwargs):
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(7)), tick=False):
        return reminders.send_due_reminders(**kwargs)


def sent_kinds(cycle):
    return set(Reminder.objects.filter(cycle=cycle).values_list("kind", flat=True))


@pytest.mark.django_db
def test_each_reminder_is_sent_once_on_its_day_across_a_cycles_whole_life():
    pledge = approved_pledge()
    cycle = pledge.cycles.get()
    sent_on = {}
    day = DUE_ON - timedelta(days=45)
    while day <= DUE_ON + timedelta(days=45):
        for kind, count in sweep_on(day).items():
            if count:
                assert kind not in sent_on, f"{kind} sent twice"
                sent_on[kind] = day
        day += timedelta(days=1)
    assert sent_on == {
        UPCOMING: DUE_ON - timedelta(days=30),
        DUE: DUE_ON,
        OVERDUE: DUE_ON + timedelta(days=14),
        ESCALATION: DUE_ON + timedelta(days=28),
    }
    assert sent_kinds(cycle) == {UPCOMING, DUE, OVERDUE, ESCALATION}
    signatory = pledge.created_by.email
    assert OutboxEmail.objects.filter(to=signatory).count() == 3
    assert OutboxEmail.objects.filter(to=settings.PROGRAMME_TEAM_EMAIL).count() == 1


@pytest.mark.django_db
def test_a_second_sweep_on_the_same_day_sends_nothing():
    approved_pledge()
    assert sweep_on(DUE_ON)[DUE] == 1
    emails = OutboxEmail.objects.count()
    assert sweep_on(DUE_ON) == {UPCOMING: 0, DUE: 0, OVERDUE: 0, ESCALATION: 0, LAPSE_NOTICE: 0}
    assert OutboxEmail.objects.count() == emails


@pytest.mark.django_db
def test_after_a_40_day_gap_only_the_relevant_catch_up_reminders_are_sent():
    pledge = approved_pledge()
    cycle = pledge.cycles.get()
    assert sweep_on(DUE_ON - timedelta(days=30))[UPCOMING] == 1
    assert sum(sweep_on(DUE_ON - timedelta(days=12)).values()) == 0

    # The sweep did not run for 40 days: the due day and the overdue day were missed.
    sent = sweep_on(DUE_ON + timedelta(days=28))
    assert sent == {UPCOMING: 0, DUE: 0, OVERDUE: 1, ESCALATION: 1, LAPSE_NOTICE: 0}
    assert sent_kinds(cycle) == {UPCOMING, OVERDUE, ESCALATION}
    subjects = list(OutboxEmail.objects.filter(to=pledge.created_by.email).values_list("subject", flat=True))
    assert len(subjects) == 2
    assert any("When you are ready" in subject for subject in subjects)

    # The stale "due" reminder never goes out later either.
    for days in (1, 30, 200):
        sent = sweep_on(DUE_ON + timedelta(days=28 + days))
        assert sum(count for kind, count in sent.items() if kind != LAPSE_NOTICE) == 0
    assert DUE not in sent_kinds(cycle)


@pytest.mark.django_db
def test_a_sweep_that_missed_the_upcoming_day_sends_due_but_not_upcoming():
    cycle = approved_pledge().cycles.get()
    assert sweep_on(DUE_ON + timedelta(days=3)) == {
        UPCOMING: 0,
        DUE: 1,
        OVERDUE: 0,
        ESCALATION: 0,
        LAPSE_NOTICE: 0,
    }
    assert sent_kinds(cycle) == {DUE}


@pytest.mark.django_db
def test_withdrawn_pledges_and_reviewed_cycles_get_no_reminders():
    withdrawn = approved_pledge()
    Pledge.objects.filter(pk=withdrawn.pk).update(status=Pledge.Status.WITHDRAWN)
    reviewed = approved_pledge()
    ReviewCycle.objects.filter(pledge=reviewed).update(
        reviewed_at=timezone.now(), reviewed_by=reviewed.created_by
    )
    for offset in (-30, 0, 14, 28, 60):
        assert sum(sweep_on(DUE_ON + timedelta(days=offset)).values()) == 0
    assert not Reminder.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
def test_reminders_go_to_the_signatory_and_contacts_with_what_is_due_by_when_and_a_link():
    pledge = approved_pledge()
    contact = MembershipFactory(organisation=pledge.organisation, role="contact").user
    cycle = pledge.cycles.get()
    sweep_on(DUE_ON - timedelta(days=30))
    emails = OutboxEmail.objects.order_by("to")
    assert sorted(e.to for e in emails) == sorted([pledge.created_by.email, contact.email])
    body = emails[0].body_text
    assert f"{settings.SITE_URL}/my/reviews/{cycle.pk}/" in body
    assert "15 June 2027" in body
    assert settings.PROGRAMME_TEAM_EMAIL in body
    assert "trauma-informed journey" in body
    assert emails[0].about == pledge


@pytest.mark.django_db
def test_the_escalation_goes_to_the_programme_team_and_names_the_partner_and_its_contacts():
    pledge = approved_pledge()
    sweep_on(DUE_ON + timedelta(days=28))
    escalation = OutboxEmail.objects.get(to=settings.PROGRAMME_TEAM_EMAIL)
    assert pledge.organisation.name in escalation.subject
    assert "28 days overdue" in escalation.subject
    assert pledge.created_by.email in escalation.body_text


@pytest.mark.django_db
def test_an_early_review_stops_the_reminders():
    pledge = approved_pledge()
    sweep_on(DUE_ON - timedelta(days=30))
    ReviewCycle.objects.filter(pledge=pledge).update(reviewed_at=timezone.now())
    assert sum(sweep_on(DUE_ON).values()) == 0
    assert sum(sweep_on(DUE_ON + timedelta(days=28)).values()) == 0


@pytest.mark.django_db
def test_due_for_reminder_finds_cycles_by_on_or_before_not_by_exact_date():
    cycle = approved_pledge().cycles.get()
    assert list(Reminder.cycles_due(on=DUE_ON - timedelta(days=31))) == []
    assert list(Reminder.cycles_due(on=DUE_ON + timedelta(days=3))) == [cycle]
    assert list(Reminder.cycles_due(on=DUE_ON + timedelta(days=3), kind=UPCOMING)) == []
    assert list(Reminder.cycles_due(on=DUE_ON + timedelta(days=3), kind=DUE)) == [cycle]


@pytest.mark.django_db
@pytest.mark.parametrize("due_cycles", [10, 300])
def test_the_sweeps_queries_are_bounded_per_batch_not_per_cycle(due_cycles, django_assert_max_num_queries):
    pledges = approved_pledges(due_cycles)
    for pledge in pledges[::3]:
        MembershipFactory(organisation=pledge.organisation, role="contact")
    # Per batch: claim, record, prefetch people, prefetch actions, write the outbox (its recipients'
    # accounts, the INSERT), and the savepoint pair; one more claim per kind (five) that finds nothing.
    with django_assert_max_num_queries(8 + 3 * 5):
        sent = sweep_on(DUE_ON, batch_size=500)
    assert sent[DUE] == due_cycles
    with django_assert_max_num_queries(8 * 3 + 3 * 5):
        sent = sweep_on(DUE_ON + timedelta(days=14), batch_size=max(due_cycles // 3, 4))
    assert sent[OVERDUE] == due_cycles
    assert OutboxEmail.objects.count() == 2 * (due_cycles + len(pledges[::3]))


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_exactly_once():
    pledges = approved_pledges(40)
    sweep = partial(sweep_on, DUE_ON + timedelta(days=28), batch_size=3)
    assert refusals(at_once(sweep, sweep)) == []
    assert Reminder.objects.filter(kind=OVERDUE).count() == 40
    assert Reminder.objects.filter(kind=ESCALATION).count() == 40
    for pledge in pledges:
        assert OutboxEmail.objects.filter(to=pledge.created_by.email).count() == 1
    assert OutboxEmail.objects.filter(to=settings.PROGRAMME_TEAM_EMAIL).count() == 40
    assert [m.to for m in mail.outbox].count([pledges[0].created_by.email]) == 1


@pytest.mark.broker
def test_with_the_broker_down_the_sweep_records_reminders_and_the_outbox_sweep_sends_them_once_later(
    transactional_db, request
):
    pledges = [approved_pledge(due_on=timezone.localdate()) for _ in range(2)]
    request.getfixturevalue("broker_down")
    sent = reminders.send_due_reminders()
    assert sent[DUE] == 2
    assert Reminder.objects.filter(kind=DUE).count() == 2
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxEmail.Status.QUEUED}
    assert mail.outbox == []

    request.getfixturevalue("celery_worker")  # the broker is back, with a worker
    OutboxEmail.objects.update(next_attempt_at=timezone.now())
    outbox_tasks.send_queued_emails.delay()
    outbox_tasks.send_queued_emails.delay()
    assert wait_for(lambda: not OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).exists())
    time.sleep(1)  # give the second outbox sweep time to do any harm
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.created_by.email for p in pledges)
    assert reminders.send_due_reminders()[DUE] == 0


# Its name before the apps split still runs, for a sweep queued before an upgrade.
@pytest.mark.parametrize(
    "name", ["reviews.tasks.send_review_reminders", "pledges.tasks.send_review_reminders"]
)
def test_the_beat_task_invoked_by_name_on_a_real_worker_sends_due_reminders(celery_worker, name):
    pledge = approved_pledge(due_on=timezone.localdate())
    celery_app.send_task(name)
    assert wait_for(lambda: OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).exists())
    assert Reminder.objects.filter(cycle__pledge=pledge, kind=DUE).count() == 1
    assert [m.to for m in mail.outbox] == [[pledge.created_by.email]]


def test_the_beat_schedule_has_the_reminder_sweep_the_outbox_sweep_and_the_directory_builds():
    tasks_scheduled = {entry["task"]: entry["schedule"] for entry in celery_app.conf.beat_schedule.values()}
    assert set(tasks_scheduled) == {
        "reviews.tasks.send_review_reminders",
        "outbox.tasks.send_queued_emails",
        "directory.tasks.build_directory",
        "directory.tasks.build_requested_directory",
        "operations.tasks.record_heartbeat",
        "privacy.tasks.apply_retention",
        "pledges.tasks.invite_partners_to_reaffirm",
    }
    daily = tasks_scheduled["reviews.tasks.send_review_reminders"]
    assert daily.hour == {7} and daily.minute == {0}
    assert tasks_scheduled["outbox.tasks.send_queued_emails"] == 60
    nightly = tasks_scheduled["directory.tasks.build_directory"]
    assert len(nightly.hour) == 1 and len(nightly.day_of_week) == 7
    assert tasks_scheduled["directory.tasks.build_requested_directory"] == 5 * 60
    assert "reviews.tasks.send_review_reminders" in celery_app.tasks


def test_the_tasks_old_names_stay_registered_and_routed_for_tasks_the_previous_release_queued():
    new_names = {
        "pledges.tasks.send_email": "outbox.tasks.send_email",
        "pledges.tasks.send_queued_emails": "outbox.tasks.send_queued_emails",
        "pledges.tasks.send_review_reminders": "reviews.tasks.send_review_reminders",
        "organisations.tasks.render_directory": "directory.tasks.build_directory",
        "organisations.tasks.render_requested_directory": "directory.tasks.build_requested_directory",
        "directory.tasks.render_directory": "directory.tasks.build_directory",
        "directory.tasks.render_requested_directory": "directory.tasks.build_requested_directory",
    }
    celery_app.loader.import_default_modules()  # the tasks, as a worker finds them
    assert set(new_names) <= set(celery_app.tasks)

    def queue(name):
        return celery_app.amqp.router.route({}, name)["queue"].name

    assert {old: queue(old) for old in new_names} == {old: queue(new) for old, new in new_names.items()}
    assert queue("pledges.tasks.send_email") == "email"


@pytest.mark.django_db
def test_the_command_dry_run_counts_without_sending_and_the_real_run_sends(capsys):
    approved_pledge(due_on=timezone.localdate())
    call_command("send_review_reminders", "--dry-run")
    assert "Review due: would send 1" in capsys.readouterr().out
    assert not Reminder.objects.exists()
    call_command("send_review_reminders")
    assert "Review due: sent 1" in capsys.readouterr().out
    assert Reminder.objects.filter(kind=DUE).count() == 1
