"""Celery tasks for organisations: rendering the public directory."""

from celery import shared_task

from . import services


# Retried with backoff (about 1, 2, 4, 8, 16 minutes, jittered) when the database
# is briefly unavailable; a render is safe to repeat, so retrying is always safe.
@shared_task(autoretry_for=(Exception,), retry_backoff=60, retry_backoff_max=30 * 60, max_retries=5)
def render_directory():
    """Nightly (beat) and by hand: render whether or not anything changed."""
    services.render_directory()


@shared_task(autoretry_for=(Exception,), retry_backoff=60, retry_backoff_max=30 * 60, max_retries=5)
def render_requested_directory():
    """After each change, and every few minutes (beat): render only if a change is still unshown."""
    services.render_requested_directory()
