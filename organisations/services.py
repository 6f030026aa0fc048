"""Writes for organisations: creating and editing partners, their people, and the public directory."""

import logging

from django.db import transaction
from django.utils import timezone

from .directory import build_directory
from .models import DirectoryDeparture, DirectoryEntry, DirectorySnapshot

logger = logging.getLogger(__name__)

# Organisations and duplicates --------------------------------------------------


# Contacts and invitations -------------------------------------------------------


# The public directory -------------------------------------------------------------

# Snapshots kept: the current one and the one before, so a request that began
# reading the previous snapshot can finish with it while a new one lands.
SNAPSHOTS_KEPT = 2
ENTRY_BATCH_SIZE = 1000


def schedule_directory_render():
    """Re-render the public directory once the current transaction commits.

    Every service that changes what the directory shows (approval, withdrawal,
    a partner's edits, a recorded review) calls this.
    """
    transaction.on_commit(_enqueue_directory_render)


def _enqueue_directory_render():
    from .tasks import render_directory

    # The time of the commit lets the task skip if a render has read the data since.
    try:
        render_directory.delay(requested_at=timezone.now().isoformat())
    except Exception:  # the broker being down must not break the change; the nightly render catches up
        logger.warning("Could not enqueue a directory render; the nightly render will catch up.")


def render_directory(*, requested_at=None):
    """Build the directory from the database and publish it as a new snapshot, atomically.

    Readers see the previous snapshot until this one commits, then this one.
    Safe to run twice or concurrently: the snapshot whose reads began last is
    the current one. With `requested_at`, does nothing if a snapshot already
    read the data after that moment. Returns the snapshot now current.
    """
    if requested_at is not None:
        latest = DirectorySnapshot.objects.current()
        if latest is not None and latest.data_as_of > requested_at:
            return latest

    data_as_of = timezone.now()
    directory = build_directory()
    content_hash = directory.content_hash
    with transaction.atomic():
        previous = DirectorySnapshot.objects.current()
        unchanged = previous is not None and previous.content_hash == content_hash
        changed_at = previous.content_changed_at if unchanged else data_as_of
        snapshot = DirectorySnapshot.objects.create(
            data_as_of=data_as_of,
            rendered_at=timezone.now(),
            content_changed_at=changed_at,
            content_hash=content_hash,
            partner_count=len(directory.entries),
            summary=directory.summary,
            partners_json=directory.partners_json(updated=changed_at),
            partners_csv=directory.partners_csv,
            actions_csv=directory.actions_csv,
        )
        DirectoryEntry.objects.bulk_create(
            (DirectoryEntry(snapshot_id=snapshot.pk, **entry) for entry in directory.entries),
            batch_size=ENTRY_BATCH_SIZE,
        )
        DirectoryDeparture.objects.bulk_create(
            (DirectoryDeparture(snapshot_id=snapshot.pk, **departure) for departure in directory.departures),
            batch_size=ENTRY_BATCH_SIZE,
        )
        DirectorySnapshot.objects.superseded(keep=SNAPSHOTS_KEPT).delete()
    return DirectorySnapshot.objects.current()


def current_directory():
    """The snapshot the public sees; rendered here and now if there has never been one."""
    return DirectorySnapshot.objects.current() or render_directory()
