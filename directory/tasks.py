"""Celery tasks for the public directory: rendering its snapshot."""

from celery import shared_task

from . import services

# Retried with backoff (about 1, 2, 4, 8, 16 minutes, jittered) when the database
# is briefly unavailable; a render is safe to repeat, so retrying is always safe.
RETRY = {"autoretry_for": (Exception,), "retry_backoff": 60, "retry_backoff_max": 30 * 60, "max_retries": 5}


@shared_task(**RETRY)
def render_directory():
    """Nightly (beat) and by hand: render whether or not anything changed."""
    services.render_directory()


@shared_task(**RETRY)
def render_requested_directory():
    """After each change, and every few minutes (beat): render only if a change is still unshown."""
    services.render_requested_directory()


# The names these tasks had before the directory left `organisations`, so that tasks already
# queued under them still run. Remove in the release after next.
@shared_task(name="organisations.tasks.render_directory", **RETRY)
def render_directory_by_old_name():
    render_directory()


@shared_task(name="organisations.tasks.render_requested_directory", **RETRY)
def render_requested_directory_by_old_name():
    render_requested_directory()
