"""The reminder sweep: every annual review reminder that is due, sent once per cycle and kind."""

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from organisations.models import Membership, emails_of
from outbox.models import OutboxEmail
from outbox.services import queue_emails, render_email
from pledges import calendar
from pledges.models import ReviewCycle

from .lapsing import lapse_due_pledges
from .models import Reminder


def reminders_due(*, on: datetime.date) -> dict[str, int]:
    """How many cycles each reminder kind would be sent to by a sweep on `on` (for --dry-run)."""
    return {kind: Reminder.cycles_due(on=on, kind=kind).count() for kind in Reminder.Kind.values}


def send_due_reminders(*, on: datetime.date | None = None, batch_size: int | None = None) -> dict[str, int]:
    """Record and email every review reminder due on `on` (today) not sent before; counts by kind.

    With LAPSE_AUTOMATICALLY on, it then lapses the partners due to lapse (counted as "lapsed").

    Safe to run again and at the same time as another sweep: each batch claims
    its cycles with row locks other sweeps skip, the unique (cycle, kind)
    constraint decides which reminders are new, and only those are emailed,
    queued in the outbox in the same transaction that records them.
    """
    on = on or timezone.localdate()
    batch_size = batch_size or settings.REVIEW_REMINDER_BATCH_SIZE
    sent = dict.fromkeys(Reminder.Kind.values, 0)
    for kind in Reminder.Kind.values:
        while True:
            claimed, recorded = _send_reminder_batch(kind=kind, on=on, batch_size=batch_size)
            sent[kind] += recorded
            # A short batch means the rest are done, or locked by a sweep that will do them.
            if claimed < batch_size:
                break
    if settings.LAPSE_AUTOMATICALLY:
        sent["lapsed"] = lapse_due_pledges(on=on, batch_size=batch_size)
    return sent


def _send_reminder_batch(*, kind: str, on: datetime.date, batch_size: int) -> tuple[int, int]:
    """Claim up to `batch_size` cycles due reminder `kind`, record it and queue the emails."""
    with transaction.atomic():
        claimed = list(
            Reminder.cycles_due(on=on, kind=kind)
            .select_related("pledge__organisation")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("due_on", "pk")[:batch_size]
        )
        if not claimed:
            return 0, 0
        recorded = _record_reminders(cycle_ids=[cycle.pk for cycle in claimed], kind=kind)
        cycles = [cycle for cycle in claimed if cycle.pk in recorded]
        prefetch_related_objects(cycles, "actions", _PEOPLE)
        emails = []
        for cycle in cycles:
            emails.extend(_reminder_emails(cycle=cycle, kind=kind, on=on))
        queue_emails(emails)
    return len(claimed), len(cycles)


def _record_reminders(*, cycle_ids: Sequence[int], kind: str) -> set[int]:
    """Insert a Reminder for each cycle; return the ids of cycles whose reminder is new.

    ON CONFLICT DO NOTHING ... RETURNING tells us exactly which rows this call
    inserted, so a reminder another sweep recorded first is never emailed twice.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("cycle_id", "kind", "sent_at"))
    rows = ", ".join(["(%s, %s, %s)"] * len(cycle_ids))
    now = timezone.now()
    params = [value for cycle_id in cycle_ids for value in (cycle_id, kind, now)]
    sql = (
        f"INSERT INTO {quote(Reminder._meta.db_table)} ({columns}) VALUES {rows} "  # noqa: S608 - names are ours
        f"ON CONFLICT ({quote('cycle_id')}, {quote('kind')}) DO NOTHING RETURNING {quote('cycle_id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


# Each cycle's partner's people, as `people`, in the sweep's one prefetch query.
_PEOPLE = Prefetch(
    "pledge__organisation__memberships", Membership.objects.of_current_period().people(), to_attr="people"
)


def annual_review_url(cycle: ReviewCycle) -> str:
    """The partner's annual review of `cycle`, as emailed to its people."""
    return settings.SITE_URL + reverse("reviews:start", kwargs={"cycle_id": cycle.pk})


def team_annual_review_url(cycle: ReviewCycle) -> str:
    """The programme team's page for the annual review of `cycle`."""
    return settings.SITE_URL + reverse("team:annual_review", kwargs={"cycle_id": cycle.pk})


def _reminder_emails(*, cycle: ReviewCycle, kind: str, on: datetime.date) -> list[OutboxEmail]:
    pledge = cycle.pledge
    organisation = pledge.organisation
    people = organisation.people
    context = {
        "kind": kind,
        "cycle": cycle,
        "pledge": pledge,
        "organisation": organisation,
        "people": people,
        "days_overdue": cycle.days_overdue(on=on),
    }
    if kind == Reminder.Kind.LAPSE_NOTICE:
        recipients = emails_of(people)
        context["annual_review_url"] = annual_review_url(cycle)
        # A sweep catching up after downtime never gives less notice than promised.
        context["lapses_on"] = calendar.lapse_day_after_notice(cycle, noticed_on=on)
        subject, body = render_email(template="lapse_notice", context=context)
    elif kind == Reminder.Kind.ESCALATION:
        recipients = [settings.PROGRAMME_TEAM_EMAIL]
        context["annual_review_url"] = team_annual_review_url(cycle)
        subject, body = render_email(template="review_escalation", context=context)
    else:
        recipients = emails_of(people)
        context["annual_review_url"] = annual_review_url(cycle)
        subject, body = render_email(template="review_reminder", context=context)
    return [OutboxEmail(to=to, subject=subject, body_text=body, about=pledge) for to in recipients]
