"""The reminders of annual reviews: one of each kind per cycle, ever."""

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Exists, OuterRef, Q

from pledges import calendar
from pledges.models import ReviewCycle


class Reminder(models.Model):
    """A review reminder recorded for a cycle; one of each kind, ever."""

    class Kind(models.TextChoices):
        UPCOMING = "upcoming", "Review coming up"
        DUE = "due", "Review due"
        OVERDUE = "overdue", "Review overdue"
        ESCALATION = "escalation", "Escalated to the programme team"
        LAPSE_NOTICE = "lapse_notice", "Last notice before lapsing"

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    # The partner's reminders in the order they fall due; escalation is the team's.
    PARTNER_KINDS = (Kind.UPCOMING, Kind.DUE, Kind.OVERDUE)

    class Meta:
        ordering = ["cycle", "sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="one_reminder_of_each_kind_per_cycle"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.cycle}"

    @classmethod
    def cycles_due(cls, *, on, kind=None):
        """Cycles that should get reminder `kind` (or any kind) in a sweep on `on`.

        A kind is due once its day has come ("on or before", so a sweep after
        downtime catches up). Of the partner's reminders only the latest one
        due is ever sent: once `overdue` is due, `upcoming` and `due` are stale
        and never go out, and a reminder is not sent if it or a later one
        already was.
        """
        kinds = [kind] if kind else cls.Kind.values
        conditions = (cls.due_condition(k, on=on) for k in kinds)
        return ReviewCycle.objects.awaiting_review().filter(reduce(or_, conditions))

    @classmethod
    def due_condition(cls, kind, *, on):
        """The filter on ReviewCycle for "reminder `kind` should be sent on `on`".

        A partner kind is due from its day until the next partner kind's day;
        it is not due if it, or any later partner kind, was already recorded.
        """
        if kind == cls.Kind.LAPSE_NOTICE:
            return cls.lapse_notice_condition(on=on)
        condition = calendar.reminder_day(kind).reached(on)
        if kind in cls.PARTNER_KINDS:
            this_and_later = cls.PARTNER_KINDS[cls.PARTNER_KINDS.index(kind) :]
            if len(this_and_later) > 1:
                condition &= ~calendar.reminder_day(this_and_later[1]).reached(on)
        else:
            this_and_later = (kind,)
        recorded = Exists(cls.objects.filter(cycle=OuterRef("pk"), kind__in=this_and_later))
        return condition & ~Q(recorded)

    @classmethod
    def lapse_notice_condition(cls, *, on):
        """The lapse notice is due, once, after the escalation and from LAPSE_NOTICE_DAYS before the lapse."""
        escalated = Exists(cls.objects.filter(cycle=OuterRef("pk"), kind=cls.Kind.ESCALATION))
        noticed = Exists(cls.objects.filter(cycle=OuterRef("pk"), kind=cls.Kind.LAPSE_NOTICE))
        return escalated & ~noticed & calendar.reminder_day(cls.Kind.LAPSE_NOTICE).reached(on)

    @classmethod
    def cycles_due_to_lapse(cls, *, on):
        """Cycles whose pledge is due to lapse on `on`: the lapse date has come, and the partner
        had its notice at least LAPSE_NOTICE_DAYS ago, so no lapse comes as a surprise."""
        noticed_in_time = Exists(
            cls.objects.filter(
                cycle=OuterRef("pk"),
                kind=cls.Kind.LAPSE_NOTICE,
                sent_at__date__lte=calendar.last_notice_day_for_lapse_on(on),
            )
        )
        return ReviewCycle.objects.lapsing_by(on).filter(noticed_in_time)
