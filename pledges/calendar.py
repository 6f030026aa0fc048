"""The year's rules of an annual review, in one place: when a cycle is due, overdue or due to lapse.

Each stage (due soon, due, overdue, escalated, notified, due to lapse) and each reminder's day
is read from the settings every time it is asked. Every rule counts days from one of two dates
of a review cycle: its due date, or its lapse day (the new due date the programme team gave,
`more_time_until`, or else LAPSE_AFTER_DAYS after the due date). Each rule is written once, as a
`Day`, which answers both in Python (`Day.of(cycle)`) and as a filter on ReviewCycle
(`Day.reached(on)`), so a page and a query cannot disagree.

It lives in `pledges`, beside ReviewCycle, rather than in `reviews`: ReviewCycle's querysets
(due soon, overdue, lapsing) need these rules, and `pledges` may not import `reviews`, the layer
above it. The reminders, the sweep and the annual review pages in `reviews` ask it too.

Dates only: it reads a cycle's `due_on` and `more_time_until` and builds filters, but never
queries. "Lapsed" is not a day on this calendar but a pledge's status: the programme team (or,
with LAPSE_AUTOMATICALLY, the sweep) lapses a pledge once its cycle is due to lapse.
"""

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import and_

from django.conf import settings
from django.db import models
from django.db.models import Q


class Stage(models.TextChoices):
    """Where a cycle still to be reviewed stands on a day, in the order the stages come."""

    NOT_YET_DUE = "not_yet_due", "Not yet due"
    DUE_SOON = "due_soon", "Due soon"
    DUE = "due", "Due today"
    OVERDUE = "overdue", "Overdue"
    ESCALATED = "escalated", "Escalated to the programme team"
    NOTIFIED = "notified", "Notified, not yet due to lapse"
    DUE_TO_LAPSE = "due_to_lapse", "Due to lapse"


@dataclass(frozen=True)
class Day:
    """A day of a cycle's year: `days` after its due date or, if `after_lapse`, after its lapse day."""

    days: int
    after_lapse: bool = False

    def of(self, cycle) -> datetime.date:
        """This day for `cycle` (a ReviewCycle, or anything with `due_on` and `more_time_until`)."""
        start = lapse_day(cycle) if self.after_lapse else cycle.due_on
        return start + datetime.timedelta(days=self.days)

    def reached(self, on: datetime.date) -> Q:
        """The filter on ReviewCycle for "this day is `on` or earlier", the same rule as `of`."""
        day = on - datetime.timedelta(days=self.days)
        if not self.after_lapse:
            return Q(due_on__lte=day)
        return Q(
            more_time_until__isnull=True, due_on__lte=day - datetime.timedelta(days=settings.LAPSE_AFTER_DAYS)
        ) | Q(more_time_until__lte=day)

    def later(self, days: int) -> "Day":
        return Day(self.days + days, self.after_lapse)


# The day a cycle still not reviewed becomes due to lapse, once its notice is old enough.
LAPSE_DAY = Day(0, after_lapse=True)


def lapse_day(cycle) -> datetime.date:
    """The new due date the team gave, or else LAPSE_AFTER_DAYS after the due date."""
    return cycle.more_time_until or cycle.due_on + datetime.timedelta(days=settings.LAPSE_AFTER_DAYS)


def reminder_day(kind: str) -> Day:
    """The day reminder `kind` falls due: REVIEW_REMINDER_OFFSETS days from the due date, or, for
    the last notice ("lapse_notice"), LAPSE_NOTICE_DAYS before the lapse day."""
    if kind == "lapse_notice":
        return LAPSE_DAY.later(-settings.LAPSE_NOTICE_DAYS)
    return Day(settings.REVIEW_REMINDER_OFFSETS[kind])


def due_soon_days() -> int:
    """Days before its due date that a review counts as due soon: from the partner's first reminder."""
    return -settings.REVIEW_REMINDER_OFFSETS["upcoming"]


def _first_days(stage: Stage) -> tuple[Day, ...]:
    """The days `stage` waits for: it begins on the latest of them."""
    escalation = reminder_day("escalation")
    # The sweep sends the last notice only once the review has been escalated.
    notified = (escalation, reminder_day("lapse_notice"))
    return {
        Stage.NOT_YET_DUE: (),
        Stage.DUE_SOON: (reminder_day("upcoming"),),
        Stage.DUE: (Day(0),),
        Stage.OVERDUE: (Day(1),),
        Stage.ESCALATED: (escalation,),
        Stage.NOTIFIED: notified,
        # The lapse day, but never sooner than LAPSE_NOTICE_DAYS after the notice (lapse_day_after_notice),
        # which waited for the escalation.
        Stage.DUE_TO_LAPSE: (LAPSE_DAY, escalation.later(settings.LAPSE_NOTICE_DAYS)),
    }[stage]


def has_reached(cycle, stage: Stage, *, on: datetime.date) -> bool:
    """Whether `cycle` has come to `stage` by `on` (it may have gone on to a later one)."""
    return all(day.of(cycle) <= on for day in _first_days(stage))


def reached(stage: Stage, *, on: datetime.date) -> Q:
    """The filter on ReviewCycle for `has_reached`."""
    return reduce(and_, (day.reached(on) for day in _first_days(stage)), Q())


def stage_of(cycle, *, on: datetime.date) -> Stage:
    """The stage `cycle` stands at on `on`: the latest it has reached."""
    return next(stage for stage in reversed(Stage) if has_reached(cycle, stage, on=on))


def due_soon(*, on: datetime.date) -> Q:
    """The filter on ReviewCycle for "due soon or due today" on `on`: not yet overdue."""
    return reached(Stage.DUE_SOON, on=on) & ~reached(Stage.OVERDUE, on=on)


def days_overdue(cycle, *, on: datetime.date) -> int:
    """Days since the due date on `on`; 0 until it is overdue."""
    return max((on - cycle.due_on).days, 0)


def lapse_day_after_notice(cycle, *, noticed_on: datetime.date) -> datetime.date:
    """The lapse day a notice sent on `noticed_on` promises: a notice sent late never shortens the warning."""
    return max(lapse_day(cycle), noticed_on + datetime.timedelta(days=settings.LAPSE_NOTICE_DAYS))


def last_notice_day_for_lapse_on(day: datetime.date) -> datetime.date:
    """The latest day a notice may have been sent for the pledge to lapse on `day`."""
    return day - datetime.timedelta(days=settings.LAPSE_NOTICE_DAYS)


def more_time_on_reinstatement(*, on: datetime.date) -> datetime.date:
    """The new due date of a lapsed pledge's review when the team reinstates it on `on`: a full
    LAPSE_AFTER_DAYS more, so it does not lapse again at once."""
    return on + datetime.timedelta(days=settings.LAPSE_AFTER_DAYS)
