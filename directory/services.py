"""Rendering the public directory into snapshots, and the entry point writers call to ask for one."""

from django.db import transaction
from django.utils import timezone

from pledge_portal.celery import publish_on_commit

from . import library
from .build import build_directory
from .models import DirectoryDeparture, DirectoryEntry, DirectoryRenderRequest, DirectorySnapshot

# Snapshots kept: the current one and the one before, so a request that began
# reading the previous snapshot can finish with it while a new one lands.
SNAPSHOTS_KEPT = 2
ENTRY_BATCH_SIZE = 1000


def schedule_directory_render() -> None:
    """Re-render the public directory once the current transaction commits.

    Every service that changes what the directory shows (approval, withdrawal,
    a partner's edits, a recorded review) calls this.
    """
    # The request row outlives a broker that is down or loses the task: the render sweep finds it.
    DirectoryRenderRequest.objects.create()
    publish_on_commit("directory.tasks.render_requested_directory", ())


def render_requested_directory() -> DirectorySnapshot | None:
    """Render if any change is still waiting to be shown (after a change, and every few minutes).

    Returns the new snapshot, or None when every request was already covered.
    """
    if not DirectoryRenderRequest.objects.exists():
        return None
    return render_directory()


def render_directory() -> DirectorySnapshot:
    """Build the directory from the database and publish it as a new snapshot, atomically.

    Readers see the previous snapshot until this one commits, then this one.
    Safe to run twice or concurrently: the snapshot whose reads began last is
    the current one. Returns the snapshot now current.
    """
    data_as_of = timezone.now()
    # Requests committed before the reads begin are covered by this render; later ones are not.
    covered = list(DirectoryRenderRequest.objects.values_list("pk", flat=True))
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
        library.write_library(snapshot=snapshot)
        DirectorySnapshot.objects.superseded(keep=SNAPSHOTS_KEPT).delete()
        DirectoryRenderRequest.objects.filter(pk__in=covered).delete()
    return DirectorySnapshot.objects.current()


def current_directory() -> DirectorySnapshot:
    """The snapshot the public sees; rendered here and now if there has never been one."""
    return DirectorySnapshot.objects.current() or render_directory()
