"""The email outbox: queue emails with the change that causes them, send each at least once, retry, give up.

Every email is an OutboxEmail row written in the caller's transaction and
handed to a worker after commit. A worker claims the row (SENDING, for a
lease), commits, talks to the SMTP server with no transaction open, then
marks it SENT. The sweep (`send_due_emails`, every minute from beat) alone
decides when a row is tried again: a temporary failure backs off, a claim
whose worker died is taken back when its lease expires, and a 5xx answer
fails the email at once for staff to see.
"""

import datetime
import logging
import re
import smtplib
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, close_old_connections, transaction
from django.db.models import F, Func, Model, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from pledge_portal.celery import enqueue, enqueue_on_commit

from .models import BouncedAddress, OutboxEmail

logger = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 500
# By name: outbox.tasks imports this module.
SEND_EMAIL_TASK = "outbox.tasks.send_email"


def queue_email(
    *, to: str, subject: str, body_text: str, body_html: str = "", about: Model | None = None
) -> OutboxEmail:
    """Write an email to the outbox; its sending is enqueued once the transaction commits."""
    (email,) = queue_emails(
        [OutboxEmail(to=to, subject=subject.strip(), body_text=body_text, body_html=body_html, about=about)]
    )
    return email


def owners_of(addresses: Iterable[str]) -> dict[str, int]:
    """The account whose verified address each of `addresses` is now, by the address lower-cased.

    Lower-cased as the database's LOWER() does, so both sides of the match agree.
    """
    wanted = {address.lower() for address in addresses}
    if not wanted:
        return {}
    owned = (
        EmailAddress.objects.filter(verified=True)
        .annotate(address=Lower("email"))
        .filter(address__in=wanted)
        .values_list("address", "user_id")
    )
    return dict(owned)


def queue_emails(emails: Sequence[OutboxEmail]) -> list[OutboxEmail]:
    """Write many outbox emails in one query; one enqueue after commit hands them all to workers.

    Each email records the account its address belongs to now (`OutboxEmail.recipient`).
    """
    # The sweep leaves a new email to its own task for a while before deciding the task was lost.
    next_attempt_at = timezone.now() + timedelta(seconds=settings.OUTBOX_RETRY_AFTER_SECONDS)
    owners = owners_of(email.to for email in emails if email.recipient_id is None)
    for email in emails:
        email.next_attempt_at = next_attempt_at
        if email.recipient_id is None:
            email.recipient_id = owners.get(email.to.lower())
    emails = OutboxEmail.objects.bulk_create(emails)
    if len(emails) == 1:
        logger.info(
            "Queued outbox email %s",
            emails[0].pk,
            extra={"outbox_email": emails[0].pk, "message_id": emails[0].message_id},
        )
    elif emails:  # a sweep's batch: one line, not hundreds
        logger.info("Queued %d outbox emails, %s to %s", len(emails), emails[0].pk, emails[-1].pk)
    enqueue_on_commit(SEND_EMAIL_TASK, *[(email.pk,) for email in emails])
    return emails


def render_email(*, template: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """Render `emails/<template>_subject.txt` and `emails/<template>.txt`: (subject, body)."""
    context = {
        "SITE_URL": settings.SITE_URL,
        "PROGRAMME_NAME": settings.PROGRAMME_NAME,
        "PROGRAMME_TEAM_EMAIL": settings.PROGRAMME_TEAM_EMAIL,
        **context,
    }
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    return subject, render_to_string(f"emails/{template}.txt", context)


def queue_templated_email(
    *, to: str, template: str, context: Mapping[str, Any], about: Model | None = None
) -> OutboxEmail:
    """Render the email `template` (see render_email) and queue it."""
    subject, body_text = render_email(template=template, context=context)
    return queue_email(to=to, subject=subject, body_text=body_text, about=about)


def send_outbox_email(*, email_id: int) -> bool:
    """Send one email if it is waiting and nobody else is sending it. Returns True if this call sent it."""
    email = _claim(email_id=email_id)
    if email is None:
        return False
    try:
        message = _message(email)
        message.send()
    except (
        Exception
    ) as exc:  # every failure, whatever raised it, is recorded on the row and retried or failed
        _record_failure(email=email, error=exc)
        return False
    _record_sent(email)
    return True


def send_due_emails(*, batch_size: int = SWEEP_BATCH_SIZE) -> int:
    """Hand workers every email due another try, or whose worker died mid-send (the sweep, from beat).

    Safe to run twice at once: a worker's claim decides who sends. Returns how
    many emails were handed over.
    """
    now = timezone.now()
    email_ids = list(
        OutboxEmail.objects.due(now=now).order_by("next_attempt_at").values_list("pk", flat=True)[:batch_size]
    )
    enqueued = enqueue(SEND_EMAIL_TASK, *[(email_id,) for email_id in email_ids])
    # A handed-over email is the worker's for a while; if its task is lost, the sweep tries again after.
    OutboxEmail.objects.filter(pk__in=email_ids[:enqueued], status=OutboxEmail.Status.QUEUED).update(
        next_attempt_at=now + timedelta(seconds=settings.OUTBOX_RETRY_AFTER_SECONDS)
    )
    return enqueued


def requeue_emails(*, email_ids: Iterable[int]) -> int:
    """Put failed emails back in the queue (staff) and hand them to workers after commit."""
    with transaction.atomic():
        ids = list(OutboxEmail.objects.failed().filter(pk__in=email_ids).values_list("pk", flat=True))
        OutboxEmail.objects.filter(pk__in=ids).update(
            status=OutboxEmail.Status.QUEUED,
            attempts=0,
            failed_at=None,
            next_attempt_at=timezone.now() + timedelta(seconds=settings.OUTBOX_RETRY_AFTER_SECONDS),
        )
        if ids:
            enqueue_on_commit(SEND_EMAIL_TASK, *[(email_id,) for email_id in ids])
    return len(ids)


def _claim(*, email_id: int) -> OutboxEmail | None:
    """Mark the email SENDING for a lease and commit, or return None if it isn't ours to send."""
    now = timezone.now()
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return None
        expired_claim = email.status == OutboxEmail.Status.SENDING and email.claimed_until < now
        if email.status != OutboxEmail.Status.QUEUED and not expired_claim:
            return None  # sent, failed, or another worker is sending it right now
        email.status = OutboxEmail.Status.SENDING
        email.claimed_until = now + timedelta(seconds=settings.OUTBOX_SEND_LEASE_SECONDS)
        email.attempts += 1
        email.save(update_fields=["status", "claimed_until", "attempts"])
    return email


def _message(email: OutboxEmail) -> EmailMultiAlternatives:
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": email.message_id},
        connection=connection,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def _ours(email: OutboxEmail) -> QuerySet[OutboxEmail]:
    """The row, as long as it is still under this worker's claim."""
    return OutboxEmail.objects.filter(
        pk=email.pk, status=OutboxEmail.Status.SENDING, claimed_until=email.claimed_until
    )


def _record_sent(email: OutboxEmail) -> None:
    # The server has the email: retry this write rather than let the lease expire and send it again.
    for attempt in range(3):
        try:
            _ours(email).update(
                status=OutboxEmail.Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
            )
            BouncedAddress.objects.matching(email.to).delete()
            break
        except DatabaseError:
            if attempt == 2:
                logger.exception(
                    "Sent outbox email %s but could not record it; it may be sent again.",
                    email.pk,
                    extra={"outbox_email": email.pk, "message_id": email.message_id},
                )
                return
            close_old_connections()
            time.sleep(0.5 * 2**attempt)
    logger.info(
        "Sent outbox email %s",
        email.pk,
        extra={"outbox_email": email.pk, "message_id": email.message_id, "attempts": email.attempts},
    )


def _record_failure(*, email: OutboxEmail, error: Exception) -> None:
    now = timezone.now()
    reason = _describe(error)
    permanent = _is_permanent(error)
    give_up_at = email.created_at + timedelta(hours=settings.OUTBOX_GIVE_UP_AFTER_HOURS)
    log_extra = {"outbox_email": email.pk, "message_id": email.message_id, "attempts": email.attempts}
    if permanent or now >= give_up_at:
        _ours(email).update(
            status=OutboxEmail.Status.FAILED, failed_at=now, claimed_until=None, last_error=reason
        )
        if permanent and _address_refused(error):
            BouncedAddress.objects.matching(email.to).update_or_create(
                defaults={"reason": reason, "bounced_at": now},
                create_defaults={"email": email.to, "reason": reason, "bounced_at": now},
            )
        logger.error("Outbox email %s failed for good: %s", email.pk, reason, extra=log_extra)
        return
    backoff = min(60 * 2 ** (email.attempts - 1), settings.OUTBOX_MAX_BACKOFF_SECONDS)
    _ours(email).update(
        status=OutboxEmail.Status.QUEUED,
        next_attempt_at=now + timedelta(seconds=backoff),
        claimed_until=None,
        last_error=reason,
    )
    logger.warning(
        "Outbox email %s not sent (%s); trying again in %s s", email.pk, reason, backoff, extra=log_extra
    )


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer, or an address no server could accept: trying again would get the same answer."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return isinstance(error, ValueError)  # Django's sanitize_address: not an email address at all


def _address_refused(error: Exception) -> bool:
    return isinstance(error, (smtplib.SMTPRecipientsRefused, ValueError))


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        return f"{code} {_text(reply)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def clear_sent_bodies(*, sent_before: datetime.datetime) -> int:
    """Blank the text of emails sent before `sent_before`, keeping who, what subject and when.

    Retention: the bodies repeat what the portal holds elsewhere, and need not be kept.
    Returns how many emails were cleared.
    """
    return (
        OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT, sent_at__lt=sent_before)
        .exclude(body_text="", body_html="")
        .update(body_text="", body_html="")
    )


def forget_address(
    *,
    recipient_id: int,
    email: str,
    replacement: str,
    name: str = "",
    named_in: QuerySet[OutboxEmail] | None = None,
) -> None:
    """Remove the account `recipient_id`, whose address is `email`, from the outbox when it closes.

    Its emails are those queued to the account, at any address it had, and those
    to `email` whose account nobody knows (queued before accounts were recorded):
    never those of an earlier owner of the address. Emails still to send are
    dropped; those sent or failed keep their metadata with `replacement` as the
    address and no body. `email` is replaced by
    `replacement` in every other email, and so is `name`, as whole words, in the
    emails `named_in` (those about the owner): only there, so a one-word name
    ("Sam", "Bristol") is not taken out of emails about other people or places.
    """
    # Read before the address is replaced: "about the owner" may mean "gives their address".
    about_owner = list(named_in.values_list("pk", flat=True)) if named_in is not None else []
    mine = OutboxEmail.objects.filter(
        Q(recipient_id=recipient_id) | Q(recipient__isnull=True, to__iexact=email)
    )
    mine.filter(status__in=[OutboxEmail.Status.QUEUED, OutboxEmail.Status.SENDING]).delete()
    mine.update(to=replacement, subject="(closed account)", body_text="", body_html="", last_error="")
    BouncedAddress.objects.filter(email__iexact=email).delete()
    for field in ("subject", "body_text", "body_html"):
        OutboxEmail.objects.filter(**{f"{field}__contains": email}).update(
            **{field: Replace(F(field), Value(email), Value(replacement))}
        )
    name = name.strip()
    if not name or not about_owner:
        return
    for form in dict.fromkeys([name, escape(name)]):  # as typed, and as an HTML body shows it
        pattern = _whole_words(form)
        for field in ("subject", "body_text", "body_html"):
            OutboxEmail.objects.filter(pk__in=about_owner, **{f"{field}__regex": pattern}).update(
                **{
                    field: Func(
                        F(field), Value(pattern), Value(replacement), Value("g"), function="REGEXP_REPLACE"
                    )
                }
            )


def _whole_words(text: str) -> str:
    """A PostgreSQL regular expression matching `text` literally, but not inside a longer word."""
    # re.escape backslashes only punctuation, which PostgreSQL's expressions also read as literal.
    return rf"(?<![[:alnum:]_]){re.escape(text)}(?![[:alnum:]_])"
