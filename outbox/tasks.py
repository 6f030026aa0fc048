"""Celery tasks for the outbox: thin callers of its services that take ids and are safe to repeat."""

from celery import shared_task

from . import services


# No Celery retries: the outbox row records each failure and the sweep alone
# decides when to try again, so a long outage never exhausts a retry count.
@shared_task
def send_email(email_id):
    services.send_outbox_email(email_id=email_id)


@shared_task
def send_queued_emails():
    """Every minute (beat): hand workers the emails due another try. Safe to run twice at once."""
    return services.send_due_emails()


# The names these tasks had before the outbox left `pledges`, so that tasks already queued
# under them still run. Remove in the next release.
@shared_task(name="pledges.tasks.send_email")
def send_email_by_old_name(email_id):
    send_email(email_id)


@shared_task(name="pledges.tasks.send_queued_emails")
def send_queued_emails_by_old_name():
    return send_queued_emails()
