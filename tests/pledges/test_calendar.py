"""The year of an annual review, day by day, from one module: the Python answer and the database's agree."""

import datetime
from datetime import timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.test import override_settings

from pledges import calendar
from pledges.calendar import Stage
from pledges.models import ReviewCycle
from reviews import reminders
from reviews.models import Reminder
from tests.factories import PledgeFactory

DUE_ON = datetime.date(2027, 6, 15)
KINDS = Reminder.Kind.values
UPCOMING, DUE, OVERDUE, ESCALATION, LAPSE_NOTICE = KINDS

# (days from the due date, the stage that day, the reminder the daily sweep sends, due to lapse?)
UP_TO_ESCALATION = [
    (-31, Stage.NOT_YET_DUE, None, False),
    (-30, Stage.DUE_SOON, UPCOMING, False),
    (-1, Stage.DUE_SOON, None, False),
    (0, Stage.DUE, DUE, False),
    (1, Stage.OVERDUE, None, False),
    (14, Stage.OVERDUE, OVERDUE, False),
    (27, Stage.OVERDUE, None, False),
    (28, Stage.ESCALATED, ESCALATION, False),
]
# The settings' own year: the last notice 14 days before the lapse, 90 days after the due date.
TIMELINE = [
    *UP_TO_ESCALATION,
    (75, Stage.ESCALATED, None, False),
    (76, Stage.NOTIFIED, LAPSE_NOTICE, False),
    (89, Stage.NOTIFIED, None, False),
    (90, Stage.DUE_TO_LAPSE, None, True),
]
# The team gave the partner until 120 days after the due date: the notice and the lapse move with it.
WITH_MORE_TIME = [
    *UP_TO_ESCALATION,
    (76, Stage.ESCALATED, None, False),
    (90, Stage.ESCALATED, None, False),
    (105, Stage.ESCALATED, None, False),
    (106, Stage.NOTIFIED, LAPSE_NOTICE, False),
    (119, Stage.NOTIFIED, None, False),
    (120, Stage.DUE_TO_LAPSE, None, True),
]
# Other settings, another year: every day follows them.
SHORTER_YEAR = {
    "REVIEW_REMINDER_OFFSETS": {"upcoming": -10, "due": 0, "overdue": 7, "escalation": 21},
    "LAPSE_AFTER_DAYS": 60,
    "LAPSE_NOTICE_DAYS": 7,
}
SHORTER_TIMELINE = [
    (-31, Stage.NOT_YET_DUE, None, False),
    (-11, Stage.NOT_YET_DUE, None, False),
    (-10, Stage.DUE_SOON, UPCOMING, False),
    (0, Stage.DUE, DUE, False),
    (1, Stage.OVERDUE, None, False),
    (7, Stage.OVERDUE, OVERDUE, False),
    (20, Stage.OVERDUE, None, False),
    (21, Stage.ESCALATED, ESCALATION, False),
    (52, Stage.ESCALATED, None, False),
    (53, Stage.NOTIFIED, LAPSE_NOTICE, False),
    (59, Stage.NOTIFIED, None, False),
    (60, Stage.DUE_TO_LAPSE, None, True),
]


def selected(cycles, cycle):
    return cycles.filter(pk=cycle.pk).exists()


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(7)), tick=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "more_time_days", "rows"),
    [({}, None, TIMELINE), ({}, 120, WITH_MORE_TIME), (SHORTER_YEAR, None, SHORTER_TIMELINE)],
    ids=["the settings' year", "with more time", "other settings"],
)
def test_the_year_of_a_review_day_by_day_in_python_and_in_the_database(overrides, more_time_days, rows):
    pledge = PledgeFactory(approved=True, signed_on=DUE_ON - relativedelta(months=12))
    cycle = pledge.cycles.get()
    if more_time_days:
        cycle.more_time_until = DUE_ON + timedelta(days=more_time_days)
        cycle.save(update_fields=["more_time_until"])
    cycles = ReviewCycle.objects.all()
    with override_settings(**overrides):
        due_soon_days = calendar.due_soon_days()
        for days, stage, reminder, due_to_lapse in rows:
            day, row = DUE_ON + timedelta(days=days), f"day {days:+d}"
            reminders_due = {reminder} if reminder else set()
            overdue = calendar.has_reached(cycle, Stage.OVERDUE, on=day)

            # Python: the stage, the reminder falling due, and what the partner's pages show.
            assert calendar.stage_of(cycle, on=day) == stage, row
            falling_due = {kind for kind in KINDS if calendar.reminder_day(kind).of(cycle) == day}
            assert falling_due == reminders_due, row
            assert overdue == (days > 0), row
            with at(day):
                assert cycle.is_overdue == overdue, row

            # The database: each stage's filter, and the querysets, select the cycle exactly when Python does.
            for each in Stage:
                in_database = selected(cycles.filter(calendar.reached(each, on=day)), cycle)
                assert in_database == calendar.has_reached(cycle, each, on=day), (row, each)
            assert selected(cycles.due_soon(on=day), cycle) == (stage in (Stage.DUE_SOON, Stage.DUE)), row
            assert selected(cycles.overdue(on=day), cycle) == overdue, row
            assert selected(cycles.lapsing_by(day), cycle) == (cycle.lapses_on <= day), row
            counted = {name for name, count in cycles.progress(on=day).items() if count}
            assert counted == {"upcoming" if days < -due_soon_days else "overdue" if overdue else "due"}, row

            # The sweep: it sends the reminder Python names, and the cycle is due to lapse with the stage.
            to_send = {kind for kind in KINDS if selected(Reminder.cycles_due(on=day, kind=kind), cycle)}
            assert to_send == reminders_due, row
            with at(day):
                sent = reminders.send_due_reminders(on=day)
            assert {kind for kind, count in sent.items() if count} == reminders_due, row
            assert selected(Reminder.cycles_due_to_lapse(on=day), cycle) == due_to_lapse, row
            assert due_to_lapse == (stage == Stage.DUE_TO_LAPSE), row
