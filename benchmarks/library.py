"""Benchmark the actions library: queries per request (and times) at N partners, and its build time.

Run from the project root, against the database DATABASE_URL points at:

    .venv/bin/python benchmarks/library.py --partners 1000 10000

It works in a separate, temporary database (the configured one's name plus
"_benchmark"), created and migrated at the start and dropped at the end. Each
size seeds partners with bulk_create (each with cycle 1 and two actions; four in
five show them), builds the directory (which builds the library into the
snapshot, and writes its open-data files), then times an incremental build of
one partner (as an approval or a withdrawal causes) with its query count, and
the library's share of it (rebuilding that partner's rows and the filters'
choices). Then it requests each library page through Django's test client as an
anonymous visitor: the first request after the build (a cache miss, with its
query count) and the median of the next ones (from the cache, or a 304-free
file from storage). Figures, not assertions: the query counts should be the
same at every size.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledge_portal.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from directory import library, open_data, services  # noqa: E402
from organisations.models import Organisation  # noqa: E402
from tests.factories import UserFactory, bulk_directory_partners  # noqa: E402

SEED_BATCH = 5000
PAGES = [
    ("/actions/", "/actions/"),
    ("/actions/ page 5", "/actions/?page=5"),
    ("/actions/ filtered", "/actions/?sector=vcse&area=bristol&sort=progress"),
    ("/actions/ searched", "/actions/?q=partner+0004"),
    ("action page", None),  # the first action in the snapshot
    ("/actions.json", "/actions.json"),
    ("/actions.csv", "/actions.csv"),
]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partners", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page (default 50)")
    options = parser.parse_args()

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="library-benchmark-media-")
    connection.settings_dict["CONN_MAX_AGE"] = 600
    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_benchmark"
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"Benchmarking in a temporary database ({database})", flush=True)
    print(f"Machine: {os.cpu_count()} CPUs, load average {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    try:
        rows = run(sorted(options.partners), options.requests)
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    print_table(rows)


def run(sizes, requests):
    client = Client()
    signatory = UserFactory()
    rows = []
    for size in sizes:
        seeded = Organisation.objects.count()
        for start in range(seeded, size, SEED_BATCH):
            bulk_directory_partners(min(SEED_BATCH, size - start), start=start, created_by=signatory)

        started = time.perf_counter()
        snapshot = services.build_directory()
        build_seconds = time.perf_counter() - started
        actions = snapshot.library.count()
        print(
            f"{size:>6} partners, {actions} shown actions: directory and library built "
            f"(with the open-data files) in {build_seconds:.1f} s",
            flush=True,
        )
        incremental(snapshot)
        first_action = snapshot.library.order_by("action_id").values_list("action_id", flat=True).first()

        for name, path in PAGES:
            path = path or f"/actions/{first_action}/"
            reset_queries()  # each request clears the log, which would hide its queries from the count
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
                content = body(response)
            first_ms = (time.perf_counter() - started) * 1000
            query_count = len(queries)  # now: the capture reads the connection's log, which requests clear
            assert response.status_code == 200, (path, response.status_code)
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                body(client.get(path))
                timings.append((time.perf_counter() - started) * 1000)
            rows.append(
                {
                    "partners": size,
                    "actions": actions,
                    "page": name,
                    "first": first_ms,
                    "queries": query_count,
                    "median": statistics.median(timings),
                    "bytes": len(content),
                }
            )
    return rows


def incremental(snapshot, *, times=3):
    """Time (and count the queries of) incremental builds of one partner, and the library's share of one."""
    partners = snapshot.library.order_by("organisation_id").values_list("organisation_id", flat=True)
    organisation_id = partners[0]
    for _ in range(times):
        reset_queries()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            snapshot = services.build_partners([organisation_id])
        build_seconds = time.perf_counter() - started
        build_queries = len(queries)
        started = time.perf_counter()
        open_data.write_files(snapshot)
        files_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for _row in library.file_rows(snapshot):
            pass
        library_files_seconds = time.perf_counter() - started
        print(
            f"        incremental build of one partner: {build_seconds:.2f} s, {build_queries} queries; "
            f"its five open-data files (timed again alone) {files_seconds:.2f} s "
            f"(reading and formatting the library's rows {library_files_seconds:.2f} s)",
            flush=True,
        )
    reset_queries()
    started = time.perf_counter()
    with transaction.atomic(), CaptureQueriesContext(connection) as library_queries:
        library.rebuild_partners_library(snapshot=snapshot, organisation_ids=[organisation_id])
        snapshot.save(update_fields=["summary"])
    library_seconds = time.perf_counter() - started
    print(
        f"        the library's share of it (the partner's rows and the filters' choices): "
        f"{library_seconds * 1000:.0f} ms and {len(library_queries)} queries",
        flush=True,
    )


def body(response):
    # Reading the whole response, as a client would: files are streamed from storage.
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def print_table(rows):
    header = f"| {'partners':>8} | {'actions':>7} | {'request':<20} | {'first (ms)':>10} | {'queries':>7} "
    header += f"| {'then, median (ms)':>17} | {'size (KB)':>9} |"
    print()
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for row in rows:
        print(
            f"| {row['partners']:>8,} | {row['actions']:>7,} | {row['page']:<20} | {row['first']:>10.1f} "
            f"| {row['queries']:>7} | {row['median']:>17.1f} | {row['bytes'] / 1024:>9,.0f} |"
        )


if __name__ == "__main__":
    main()
