"""Writes for pledges: every state change, its audit event, and the emails it causes.

Each service takes keyword arguments, runs in one transaction, checks the
change is allowed, records a PledgeEvent and queues emails (in the outbox, in
the same transaction) whose sending is enqueued only after commit.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboxEmail, PledgeEvent

logger = logging.getLogger(__name__)


class PledgeStateError(Exception):
    """A change the pledge's current state does not allow. The message is shown to people."""


# Shared building blocks ------------------------------------------------------


def record_event(*, pledge, kind, actor=None, from_status="", to_status="", note=""):
    return PledgeEvent.objects.create(
        pledge=pledge,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def change_status(*, pledge, to, by, kind, allowed_from, note="", error=""):
    """Move a locked pledge to `to` and record the event; refuse if it is not in `allowed_from`.

    Callers lock the row first (select_for_update) so two people acting at once
    produce one change, and set any timestamps of their own before saving.
    """
    if pledge.status not in allowed_from:
        raise PledgeStateError(
            error or f"This pledge is {pledge.get_status_display().lower()}, so that cannot be done now."
        )
    from_status = pledge.status
    pledge.status = to
    pledge.save()
    return record_event(pledge=pledge, kind=kind, actor=by, from_status=from_status, to_status=to, note=note)


# Signing: drafts and submission (the signing journey) -----------------------


# Programme team decisions: approve, ask for changes, reject, withdraw, notes ---


# Annual review: reminders, recording a review, acknowledging it ---------------


# Email outbox --------------------------------------------------------------


def queue_email(*, to, subject, body_text, body_html="", pledge=None):
    """Write an email to the outbox; its sending is enqueued once the transaction commits."""
    email = OutboxEmail.objects.create(
        to=to, subject=subject.strip(), body_text=body_text, body_html=body_html, pledge=pledge
    )
    transaction.on_commit(partial(enqueue_email, email_id=email.pk))
    return email


def queue_templated_email(*, to, template, context, pledge=None):
    """Render `emails/<template>_subject.txt` and `emails/<template>.txt` and queue the email."""
    context = {
        "SITE_URL": settings.SITE_URL,
        "PROGRAMME_NAME": settings.PROGRAMME_NAME,
        "PROGRAMME_TEAM_EMAIL": settings.PROGRAMME_TEAM_EMAIL,
        **context,
    }
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    body_text = render_to_string(f"emails/{template}.txt", context)
    return queue_email(to=to, subject=subject, body_text=body_text, pledge=pledge)


def enqueue_email(*, email_id):
    """Hand an outbox email to Celery. If the broker is down the row stays queued for the sweep."""
    from .tasks import send_email

    try:
        send_email.delay(email_id)
    except Exception:  # the broker being unreachable must never undo or break the change itself
        logger.warning("Could not enqueue outbox email %s; the outbox sweep will retry.", email_id)


def send_outbox_email(*, email_id):
    """Send one queued email, at most once, and record the result.

    The row stays locked while sending, so a task and the sweep racing for the
    same email send it once. Returns True if this call sent it.
    """
    error = None
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().get(pk=email_id)
        if email.status != OutboxEmail.Status.QUEUED:
            return False
        email.attempts += 1
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        try:
            message.send()
        except Exception as exc:
            error = exc
            email.last_error = f"{type(exc).__name__}: {exc}"
        else:
            email.status = OutboxEmail.Status.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
        email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    if error is not None:
        raise error
    return True


def mark_email_failed(*, email_id, error):
    OutboxEmail.objects.filter(pk=email_id, status=OutboxEmail.Status.QUEUED).update(
        status=OutboxEmail.Status.FAILED, last_error=f"{type(error).__name__}: {error}"
    )


def requeue_emails(*, email_ids):
    """Put failed emails back in the queue (staff, from admin) and enqueue them after commit."""
    with transaction.atomic():
        ids = list(
            OutboxEmail.objects.filter(pk__in=email_ids, status=OutboxEmail.Status.FAILED).values_list(
                "pk", flat=True
            )
        )
        OutboxEmail.objects.filter(pk__in=ids).update(status=OutboxEmail.Status.QUEUED, attempts=0)
        for email_id in ids:
            transaction.on_commit(partial(enqueue_email, email_id=email_id))
    return len(ids)
