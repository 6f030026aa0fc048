"""Reads of annual reviews that need their reminders: the lists on the programme team's pages."""

import datetime

from django.db.models import Count

from pledges.models import ReviewCycle

from .models import Reminder


def overdue_cycles(*, on: datetime.date) -> list[ReviewCycle]:
    """Cycles overdue on `on`, oldest due first, each with `overdue_days` and `reminders_sent`."""
    cycles = ReviewCycle.objects.overdue(on=on).by_due_date().annotate(reminders_sent=Count("reminders"))
    cycles = list(cycles)
    for cycle in cycles:
        cycle.overdue_days = cycle.days_overdue(on=on)
    return cycles


def cycles_due_to_lapse(*, on: datetime.date):
    """Cycles due to lapse on `on` (see Reminder.cycles_due_to_lapse), oldest due first."""
    return Reminder.cycles_due_to_lapse(on=on).by_due_date()


def cycles_notified(*, on: datetime.date):
    """Cycles whose partner has had the last notice but that are not yet due to lapse on `on`."""
    return (
        ReviewCycle.objects.awaiting_review()
        .filter(reminders__kind=Reminder.Kind.LAPSE_NOTICE)
        .exclude(pk__in=Reminder.cycles_due_to_lapse(on=on).values("pk"))
        .by_due_date()
    )
