"""Celery tasks for pledges: inviting partners to reaffirm a new wording."""

from celery import shared_task

from pledges.services import versions


@shared_task
def invite_partners_to_reaffirm():
    """On publication, and daily (beat): invite partners not yet invited to reaffirm the current wording."""
    return versions.invite_partners_to_reaffirm()
