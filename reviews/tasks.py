"""Celery tasks for annual reviews: the daily reminder sweep."""

from celery import shared_task

from . import reminders


@shared_task
def send_review_reminders():
    """Daily (beat): send every annual review reminder that is due and not yet sent."""
    return reminders.send_due_reminders()


# The name this task had before annual reviews left `pledges`, so that a sweep already queued
# under it still runs. Remove in the next release.
@shared_task(name="pledges.tasks.send_review_reminders")
def send_review_reminders_by_old_name():
    return send_review_reminders()
