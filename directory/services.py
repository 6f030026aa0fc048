"""Building the public directory into snapshots, and the entry point writers call to ask for one.

Two kinds of build write the directory:

- the full build (`build_directory`, nightly and by hand) writes a new
  snapshot from scratch, streaming partners a chunk at a time, and reports any
  partner whose rows differ from the previous snapshot's: a change an
  incremental build missed;
- the incremental build (`build_partners`) rewrites only the partners that
  changed, in the current snapshot, in one transaction, and bumps its version.

Either way the snapshot's `identity` changes, so every cached page turns over
by itself. A burst of changes is merged into one build (`schedule_directory_build`).
"""

import hashlib
import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from pledge_portal.celery import enqueue

from . import build, library, open_data, writing
from .current import announce_current
from .models import (
    DirectoryBuildRequest,
    DirectoryDeparture,
    DirectoryEntry,
    DirectoryPosition,
    DirectorySnapshot,
)

logger = logging.getLogger(__name__)

# Snapshots kept: the current one and the one before, so a request that began
# reading the previous snapshot can finish with it while a new one lands.
SNAPSHOTS_KEPT = 2
# Entries read at a time when the totals are counted from all of them.
ENTRY_BATCH_SIZE = 1000
# Set while a build task is queued: changes until it starts join it rather than queue another.
BUILD_QUEUED_KEY = "directory:build-queued"
# The build's advisory lock keeps the name it had when a build was called a render, so that during a
# deploy the old release's workers and the new one's still take turns.
BUILD_LOCK = "directory-render"
# How many differing partners the full build names in its report.
DIFFERENCES_NAMED = 10
# Up to this many partners joining at once, an incremental build counts their places, one pass over
# the entries each; beyond, numbering every place afresh (two sorts) is quicker.
PLACES_COUNTED_UP_TO = 50
# What the directory's totals and filters' choices are counted from, in each entry (`build.summarise`).
SUMMARY_FIELDS = ("area_codes", "sector", "year", "theme_slugs")


def schedule_directory_build(*organisation_ids) -> None:
    """Show a change in the public directory shortly after the current transaction commits.

    `organisation_ids` name the partners that changed, so only their rows are
    built again; none asks for a full build. The request rows outlive a
    broker that is down or loses the task: the build sweep finds them.
    """
    DirectoryBuildRequest.objects.bulk_create(
        DirectoryBuildRequest(organisation_id=organisation_id)
        for organisation_id in organisation_ids or [None]
    )
    transaction.on_commit(_queue_build)


def _queue_build():
    # One task for a burst: it waits a few seconds, and changes made meanwhile find the key and join it.
    delay = settings.DIRECTORY_BUILD_DELAY_SECONDS
    queued = cache.add(BUILD_QUEUED_KEY, True, timeout=delay + 60)
    if queued and not enqueue("directory.tasks.build_requested_directory", (), countdown=delay):
        cache.delete(BUILD_QUEUED_KEY)  # the sweep builds; the next change tries the broker again


def build_requested_directory() -> DirectorySnapshot | None:
    """Build what changes are still waiting to be shown (after a change, and every few minutes).

    Only the partners that changed are built, unless a full build was asked
    for or there is no snapshot yet. Returns the snapshot now current, or None
    when every request was already covered.
    """
    # Cleared before reading the requests: a change committed from now on queues a task of its own.
    cache.delete(BUILD_QUEUED_KEY)
    requests = list(DirectoryBuildRequest.objects.values_list("pk", "organisation_id"))
    if not requests:
        return None
    organisation_ids = {organisation_id for _, organisation_id in requests}
    if None in organisation_ids or not DirectorySnapshot.objects.exists():
        return build_directory()
    return build_partners(organisation_ids, covered=[pk for pk, _ in requests])


def build_directory() -> DirectorySnapshot:
    """Build the directory from the database into a new snapshot and make it current, atomically.

    Readers see the previous snapshot until this one commits, then this one.
    Partners are read, built and written a chunk at a time, so memory stays
    flat as the directory grows. Safe to run twice or concurrently. Returns
    the snapshot now current.
    """
    with _build_lock():
        data_as_of = timezone.now()
        # Requests committed before the reads begin are covered by this build; later ones are not.
        covered = list(DirectoryBuildRequest.objects.values_list("pk", flat=True))
        with transaction.atomic():
            previous = DirectorySnapshot.objects.current()
            snapshot = DirectorySnapshot.objects.create(
                data_as_of=data_as_of,
                built_at=data_as_of,
                content_changed_at=data_as_of,
                content_hash="",
                partner_count=0,
            )
            content = hashlib.sha256()

            def hashed(entries):
                for entry in entries:
                    content.update(entry["digest"].encode())
                    yield entry

            writing.insert_rows(DirectoryEntry, hashed(build.build_entries()), snapshot_id=snapshot.pk)
            writing.insert_rows(DirectoryDeparture, build.departures(), snapshot_id=snapshot.pk)
            _number_positions(snapshot)
            unchanged = previous is not None and previous.content_hash == content.hexdigest()
            snapshot.content_hash = content.hexdigest()
            snapshot.content_changed_at = previous.content_changed_at if unchanged else data_as_of
            _summarise(snapshot)
            library.write_library(snapshot=snapshot)
            snapshot.built_at = timezone.now()
            snapshot.save()
            if previous is not None:
                _report_differences(previous, snapshot)
            DirectorySnapshot.objects.superseded(keep=SNAPSHOTS_KEPT).delete()
            DirectoryBuildRequest.objects.filter(pk__in=covered).delete()
        current = DirectorySnapshot.objects.current()
        announce_current(current)  # committed, and still holding the lock: no older build can follow
        _analyze()
    open_data.write_files(snapshot)
    return current


def build_partners(organisation_ids, *, covered=()) -> DirectorySnapshot:
    """Build only these partners again, into the current snapshot, in one transaction; bump its version.

    Each partner's entry (or its departure, once it has left) and its share of
    the open data are replaced; the positions that moved and the totals are
    brought up to date. The open-data files are written anew after commit.
    """
    organisation_ids = list(organisation_ids)
    # The new identity is announced after commit, before unlocking: no older build can overwrite it.
    with _build_lock():
        with transaction.atomic():
            snapshot = DirectorySnapshot.objects.select_for_update().order_by("-data_as_of", "-pk").first()
            leaving = list(
                snapshot.positions.filter(entry__organisation_id__in=organisation_ids).values_list(
                    "name_position", "recent_position"
                )
            )
            replaced = snapshot.entries.filter(organisation_id__in=organisation_ids)
            summarised = list(replaced.values_list(*SUMMARY_FIELDS))
            replaced.delete()
            snapshot.departures.filter(organisation_id__in=organisation_ids).delete()
            joining = DirectoryEntry.objects.bulk_create(
                DirectoryEntry(snapshot_id=snapshot.pk, **entry)
                for entry in build.build_entries(organisation_ids)
            )
            departures = build.departures(organisation_ids)
            DirectoryDeparture.objects.bulk_create(
                DirectoryDeparture(snapshot_id=snapshot.pk, **row) for row in departures
            )
            if len(joining) <= PLACES_COUNTED_UP_TO:
                _move_positions(snapshot, leaving=leaving, joining=[entry.pk for entry in joining])
            else:
                _number_positions(snapshot)
            _summarise(snapshot, joining=joining, leaving=summarised)
            library.rebuild_partners_library(snapshot=snapshot, organisation_ids=organisation_ids)
            now = timezone.now()
            snapshot.version += 1
            snapshot.built_at = snapshot.content_changed_at = now
            # Names this content for the open data's ETag; the next full build hashes it afresh.
            snapshot.content_hash = hashlib.sha256(
                f"{snapshot.content_hash}:{snapshot.identity}".encode()
            ).hexdigest()
            snapshot.save()
            DirectoryBuildRequest.objects.filter(pk__in=list(covered)).delete()
        announce_current(snapshot)  # committed, and still holding the lock
    open_data.write_files(snapshot)
    return snapshot


def current_directory() -> DirectorySnapshot:
    """The snapshot the public sees; built here and now if there has never been one."""
    return DirectorySnapshot.objects.current() or build_directory()


# The directory's sort orders, each position column's one rule: the entry columns it orders by,
# True for descending. Both the full numbering and the incremental moves are written from it.
POSITION_ORDERS = {
    "name_position": (("sort_name", False), ("id", False)),
    "recent_position": (("signed_on", True), ("sort_name", False), ("id", False)),
}


def _order_by(order):
    """The ORDER BY of one of POSITION_ORDERS."""
    return ", ".join(f"{column} DESC" if descending else column for column, descending in order)


def _sorts_before(order, row, other):
    """SQL true when `row` (an alias of the entries) comes before `other` in one of POSITION_ORDERS.

    The lexicographic comparison ORDER BY makes, column by column, with the
    same operators, so the same collation: each column decides unless it is equal.
    """
    (column, descending), *rest = order
    before = f"{row}.{column} {'>' if descending else '<'} {other}.{column}"
    if not rest:
        return before
    return f"({before} OR ({row}.{column} = {other}.{column} AND {_sorts_before(rest, row, other)}))"


def _number_positions(snapshot):
    """Number every entry's place in each sort order afresh, writing only the places that differ.

    The orders are the ones the directory always had (POSITION_ORDERS),
    computed by the database's collation. Entries without a position get one.
    The full build numbers its new snapshot this way; incremental builds
    move only the places that change (`_move_positions`).
    """
    positions, entries = DirectoryPosition._meta.db_table, DirectoryEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {positions} (snapshot_id, entry_id, name_position, recent_position)
            SELECT entry.snapshot_id, entry.id, 0, 0
            FROM {entries} AS entry
            WHERE entry.snapshot_id = %s
              AND NOT EXISTS (SELECT 1 FROM {positions} AS position WHERE position.entry_id = entry.id)
            """,  # noqa: S608 (the table names are the models' own)
            [snapshot.pk],
        )
        cursor.execute(
            f"""
            UPDATE {positions} AS position
            SET name_position = numbered.by_name, recent_position = numbered.by_recent
            FROM (
                SELECT id,
                    ROW_NUMBER() OVER (ORDER BY {_order_by(POSITION_ORDERS["name_position"])}) AS by_name,
                    ROW_NUMBER() OVER (ORDER BY {_order_by(POSITION_ORDERS["recent_position"])}) AS by_recent
                FROM {entries}
                WHERE snapshot_id = %s
            ) AS numbered
            WHERE position.entry_id = numbered.id
              AND (position.name_position, position.recent_position) <> (numbered.by_name, numbered.by_recent)
            """,  # noqa: S608 (the table names are the models' own; the orders are constants)
            [snapshot.pk],
        )


def _move_positions(snapshot, *, leaving, joining):
    """Bring the places up to date after some entries left and others joined: the work is in what moved.

    `leaving` holds the places (by name, by date) of the entries deleted;
    `joining` the pks of the entries just written, which have no place yet.
    A joining entry's place is counted, not sorted for: one pass over the
    entries. The entries that stay move by whole ranges of places, in one
    UPDATE of only the rows in those ranges: the places after a partner that
    joins or leaves, none after an edit that keeps its place. The same numbers
    as `_number_positions` gives.
    """
    positions, entries = DirectoryPosition._meta.db_table, DirectoryEntry._meta.db_table
    columns = list(POSITION_ORDERS)
    places = {}
    with connection.cursor() as cursor:
        if joining:
            counts = ", ".join(
                f"1 + COUNT(*) FILTER (WHERE {_sorts_before(order, 'entry', 'joining')})"
                for order in POSITION_ORDERS.values()
            )
            cursor.execute(
                f"""
                SELECT joining.id, {counts}
                FROM {entries} AS joining
                JOIN {entries} AS entry ON entry.snapshot_id = joining.snapshot_id
                WHERE joining.id = ANY(%s)
                GROUP BY joining.id
                """,  # noqa: S608 (the table names are the models' own; the orders are constants)
                [joining],
            )
            places = {pk: entry_places for pk, *entry_places in cursor.fetchall()}
        shifts, within, params, bounds = [], [], [], []
        for n, column in enumerate(columns):
            moves = _moves(left=[each[n] for each in leaving], joined=[each[n] for each in places.values()])
            shifts.append(f"{column} = {column} + {_shift(column)}")
            params += [list(values) for values in zip(*moves, strict=True)] if moves else [[], [], []]
            if moves:
                (start, _, _), (_, until, _) = moves[0], moves[-1]
                within.append(f"({column} >= %s AND {column} < %s)" if until else f"{column} >= %s")
                bounds += [start, until] if until else [start]
        if within:
            # Only the rows in a range that moves are read, by the positions' indexes.
            cursor.execute(
                f"UPDATE {positions} SET {', '.join(shifts)}"  # noqa: S608 (the table and columns are constants)
                f" WHERE snapshot_id = %s AND ({' OR '.join(within)})",
                [*params, snapshot.pk, *bounds],
            )
    DirectoryPosition.objects.bulk_create(
        DirectoryPosition(snapshot_id=snapshot.pk, entry_id=pk, **dict(zip(columns, each, strict=True)))
        for pk, each in places.items()
    )


def _shift(column):
    """SQL: how far a place moves, by the ranges in the query's next three parameters (see `_moves`)."""
    moves = "unnest(%s::integer[], %s::integer[], %s::integer[]) AS move(since, until, shift)"
    within = f"{column} >= move.since AND (move.until IS NULL OR {column} < move.until)"
    return f"COALESCE((SELECT move.shift FROM {moves} WHERE {within}), 0)"  # noqa: S608 (the column is a constant)


def _moves(*, left, joined):
    """How the places of the entries that stay change, in one order: ranges (start, until, shift).

    `left` holds the places the leaving entries had, `joined` the places the
    joining ones now have. A range holds the places from `start` up to but
    not including `until` (None: to the end), which all move by `shift`.
    """
    # How many of the staying entries come before each joining one: its place, less the joining ones before.
    followed = [place - 1 - j for j, place in enumerate(sorted(joined))]

    def by(place):
        kept = place - sum(gone < place for gone in left)
        return kept - place + sum(before < kept for before in followed)

    # The shift changes only just after a leaving place, or where the staying place passes a joining one.
    starts = sorted(
        {1, *(gone + 1 for gone in left), *(f + 1 + n for f in followed for n in range(len(left) + 1))}
    )
    steps = []
    for start in starts:
        if not steps or steps[-1][1] != by(start):
            steps.append((start, by(start)))
    untils = [start for start, _ in steps[1:]] + [None]
    return [(start, until, shift) for (start, shift), until in zip(steps, untils, strict=True) if shift]


def _summarise(snapshot, *, joining=None, leaving=()):
    """Store the totals and filters' choices in the snapshot's summary, and its partner count.

    Given the entries `joining` and the `leaving` rows (area_codes, sector,
    year, theme_slugs) of an incremental build, the stored tallies are
    updated from those alone; otherwise every entry is read.
    """
    build_context = build.Context()
    areas, themes = build_context.areas.values(), build_context.themes.values()
    if joining is not None and "tallies" in snapshot.summary:
        joined = [(entry.area_codes, entry.sector, entry.year, entry.theme_slugs) for entry in joining]
        summary = build.summarise(joined, areas=areas, themes=themes, gone=leaving, since=snapshot.summary)
    else:
        rows = snapshot.entries.values_list(*SUMMARY_FIELDS).iterator(chunk_size=ENTRY_BATCH_SIZE * 5)
        summary = build.summarise(rows, areas=areas, themes=themes)
    snapshot.summary = {
        # The library's own totals and choices (directory/library.py) are kept as they are.
        **{key: value for key, value in snapshot.summary.items() if key == "library"},
        **summary,
    }
    snapshot.partner_count = snapshot.summary["count"]


def _report_differences(previous, snapshot):
    """Log the partners whose rows the full build changed: changes the incremental builds did not show.

    Differences are expected for changes still waiting for their build; any
    other means a change was never announced, or its build was lost.
    """
    table = DirectoryEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COALESCE(new.slug, old.slug)
            FROM (SELECT slug, organisation_id, digest FROM {table} WHERE snapshot_id = %s) AS new
            FULL OUTER JOIN (SELECT slug, organisation_id, digest FROM {table} WHERE snapshot_id = %s) AS old
                ON new.organisation_id = old.organisation_id
            WHERE new.digest IS DISTINCT FROM old.digest
            ORDER BY 1
            """,  # noqa: S608 (the table name is the model's own)
            [snapshot.pk, previous.pk],
        )
        differing = [slug for (slug,) in cursor.fetchall()]
    if differing:
        logger.warning(
            "The full directory build changed %d partner(s) the last snapshot showed otherwise: %s",
            len(differing),
            ", ".join(differing[:DIFFERENCES_NAMED]),
            extra={"differing_partners": len(differing)},
        )


def _analyze():
    # Fresh statistics after tens of thousands of rows came and went, so the planner keeps using the indexes.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {DirectoryEntry._meta.db_table}")


@contextmanager
def _build_lock():
    """One build at a time, full or incremental, so neither writes over what the other has just shown."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [BUILD_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [BUILD_LOCK])
