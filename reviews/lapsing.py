"""Lapsing, gently: a partner whose annual review is long overdue leaves the directory, never by surprise.

The daily sweep (reminders.py) sends each cycle's last notice once, as a
Reminder of kind "lapse_notice". Once the lapse date has come and the notice
is old enough, the cycle is due to lapse: the programme team confirms the
lapse on /team/lapsing/ or, with LAPSE_AUTOMATICALLY, the sweep does.
Completing the overdue review (services.record_review) or the team's
reinstatement brings the partner back.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from organisations.models import Membership, emails_of
from outbox.models import OutboxEmail
from outbox.services import queue_emails, render_email
from pledge_portal.errors import NotAllowed
from pledges.models import Pledge, PledgeEvent, ReviewCycle
from pledges.services.transitions import change_statuses, record_event
from pledges.signals import pledges_changed

from .models import Reminder

# Read before the pledges lapse (which ends their period): the people of the period that is ending.
_PEOPLE = Prefetch(
    "pledge__organisation__memberships", Membership.objects.of_current_period().people(), to_attr="people"
)


def lapse_pledges(*, cycle_ids: Iterable[int], by: User, message: str) -> int:
    """The programme team confirms the lapse of the pledges of `cycle_ids`; how many lapsed.

    Only cycles still due to lapse are lapsed: one whose review arrived, or that
    another team member or the sweep lapsed first, is left alone.
    """
    if not by.is_programme_team:
        raise NotAllowed("Only the programme team can confirm a lapse.")
    message = message.strip()
    if not message:
        raise NotAllowed("Write a message to the partner saying why its pledge has lapsed.")
    cycle_ids = list(cycle_ids)
    with transaction.atomic():
        cycles = _claim_due(on=timezone.localdate(), cycle_ids=cycle_ids, limit=len(cycle_ids))
        _lapse(cycles=cycles, by=by, message=message)
    return len(cycles)


def lapse_due_pledges(*, on: datetime.date, batch_size: int) -> int:
    """The sweep, with LAPSE_AUTOMATICALLY: lapse every pledge due to lapse on `on`, in batches."""
    lapsed = 0
    while True:
        with transaction.atomic():
            cycles = _claim_due(on=on, cycle_ids=None, limit=batch_size)
            _lapse(cycles=cycles, by=None, message="")
        lapsed += len(cycles)
        # A short batch means the rest are done, or locked by a sweep that will do them.
        if len(cycles) < batch_size:
            return lapsed


def _claim_due(*, on: datetime.date, cycle_ids: list[int] | None, limit: int) -> list[ReviewCycle]:
    """Lock cycles due to lapse and their pledges; rows another sweep holds are skipped."""
    cycles = Reminder.cycles_due_to_lapse(on=on)
    if cycle_ids is not None:
        cycles = cycles.filter(pk__in=cycle_ids)
    return list(
        cycles.select_related("pledge__organisation")
        .select_for_update(skip_locked=True, of=("self", "pledge"))
        .order_by("due_on", "pk")[:limit]
    )


def _lapse(*, cycles: list[ReviewCycle], by: User | None, message: str) -> None:
    # A pledge changed while we waited for its lock is no longer due.
    cycles = [cycle for cycle in cycles if cycle.pledge.status == Pledge.Status.APPROVED]
    if not cycles:
        return
    prefetch_related_objects(cycles, _PEOPLE)
    change_statuses(
        pledges={
            cycle.pledge: message
            or f"Lapsed automatically: the review of year {cycle.number} was not completed."
            for cycle in cycles
        },
        to=Pledge.Status.LAPSED,
        by=by,
        kind=PledgeEvent.Kind.LAPSED,
        allowed_from=(Pledge.Status.APPROVED,),
    )
    emails = []
    for cycle in cycles:
        pledge = cycle.pledge
        context = {
            "cycle": cycle,
            "pledge": pledge,
            "organisation": pledge.organisation,
            "message": message,
            "annual_review_url": _annual_review_url(cycle),
        }
        subject, body = render_email(template="pledge_lapsed", context=context)
        emails.extend(
            OutboxEmail(to=to, subject=subject, body_text=body, about=pledge)
            for to in emails_of(pledge.organisation.people)
        )
    queue_emails(emails)
    pledges_changed.send(sender=Pledge, pledges=[cycle.pledge for cycle in cycles])


def give_more_time(*, cycle: ReviewCycle, by: User, until: datetime.date, reason: str) -> ReviewCycle:
    """The programme team gives a partner until `until` to complete its review, for a reason.

    The pledge does not lapse before that date; the partner's contacts are told.
    """
    if not by.is_programme_team:
        raise NotAllowed("Only the programme team can give a partner more time.")
    reason = reason.strip()
    if not reason:
        raise NotAllowed("Say why the partner is being given more time.")
    if until <= timezone.localdate():
        raise NotAllowed("The new due date must be in the future.")
    with transaction.atomic():
        cycle = (
            ReviewCycle.objects.select_for_update(of=("self",))
            .select_related("pledge__organisation")
            .get(pk=cycle.pk)
        )
        pledge = cycle.pledge
        if cycle.reviewed_at is not None or pledge.status != Pledge.Status.APPROVED:
            raise NotAllowed("This review is no longer waiting, so it needs no more time.")
        cycle.more_time_until = until
        cycle.save(update_fields=["more_time_until"])
        record_event(
            pledge=pledge,
            kind=PledgeEvent.Kind.MORE_TIME,
            actor=by,
            note=f"Year {cycle.number} review now due by {date_format(until, 'j F Y')}. {reason}",
        )
        context = {
            "cycle": cycle,
            "pledge": pledge,
            "organisation": pledge.organisation,
            "reason": reason,
            "annual_review_url": _annual_review_url(cycle),
        }
        people = Membership.objects.filter(organisation=pledge.organisation_id).of_current_period().people()
        subject, body = render_email(template="review_more_time", context=context)
        queue_emails(
            [OutboxEmail(to=to, subject=subject, body_text=body, about=pledge) for to in emails_of(people)]
        )
    return cycle


def _annual_review_url(cycle: ReviewCycle) -> str:
    return settings.SITE_URL + reverse("reviews:start", kwargs={"cycle_id": cycle.pk})
