"""Celery tasks for the public directory: building its snapshot."""

from celery import shared_task

from . import services

# Retried with backoff (about 1, 2, 4, 8, 16 minutes, jittered) when the database
# is briefly unavailable; a build is safe to repeat, so retrying is always safe.
RETRY = {"autoretry_for": (Exception,), "retry_backoff": 60, "retry_backoff_max": 30 * 60, "max_retries": 5}


@shared_task(**RETRY)
def build_directory():
    """Nightly (beat) and by hand: build whether or not anything changed."""
    services.build_directory()


@shared_task(**RETRY)
def build_requested_directory():
    """After each change, and every few minutes (beat): build only if a change is still unshown."""
    services.build_requested_directory()


# The names these tasks had before the snapshot was "built" (directory.tasks.render_*) and before
# the directory left `organisations`, so that tasks the previous release queued under them still
# run during a deploy. Remove in the next release.
@shared_task(name="directory.tasks.render_directory", **RETRY)
def build_directory_by_old_name():
    build_directory()


@shared_task(name="directory.tasks.render_requested_directory", **RETRY)
def build_requested_directory_by_old_name():
    build_requested_directory()


@shared_task(name="organisations.tasks.render_directory", **RETRY)
def build_directory_by_older_name():
    build_directory()


@shared_task(name="organisations.tasks.render_requested_directory", **RETRY)
def build_requested_directory_by_older_name():
    build_requested_directory()
