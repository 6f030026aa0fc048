"""Celery tasks for pledges: thin callers of services that take ids and are safe to repeat."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .models import OutboxEmail

SWEEP_BATCH_SIZE = 500


@shared_task(bind=True, max_retries=5)
def send_email(self, email_id):
    try:
        services.send_outbox_email(email_id=email_id)
    except OutboxEmail.DoesNotExist:
        return
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            services.mark_email_failed(email_id=email_id, error=exc)
            return
        # 1, 2, 4, 8, 16 minutes: long enough for an SMTP outage to pass.
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task
def send_queued_emails():
    """Safety net: enqueue emails still queued after their first chance (broker or SMTP was down)."""
    older_than = timezone.now() - timedelta(seconds=settings.OUTBOX_RETRY_AFTER_SECONDS)
    email_ids = list(
        OutboxEmail.objects.awaiting_retry(older_than=older_than)
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
    )
    for email_id in email_ids:
        services.enqueue_email(email_id=email_id)
    return len(email_ids)


@shared_task
def send_review_reminders():
    """Daily (beat): send every annual review reminder that is due and not yet sent."""
    return services.send_due_reminders()
