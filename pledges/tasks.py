"""Celery tasks for pledges: thin callers of services that take ids and are safe to repeat."""

from celery import shared_task

from . import outbox, services


# No Celery retries: the outbox row records each failure and the sweep alone
# decides when to try again, so a long outage never exhausts a retry count.
@shared_task
def send_email(email_id):
    outbox.send_outbox_email(email_id=email_id)


@shared_task
def send_queued_emails():
    """Every minute (beat): hand workers the emails due another try. Safe to run twice at once."""
    return outbox.send_due_emails()


@shared_task
def send_review_reminders():
    """Daily (beat): send every annual review reminder that is due and not yet sent."""
    return services.send_due_reminders()
