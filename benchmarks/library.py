"""Benchmark the actions library: queries per request (and times) at N partners, and its build time.

Run from the project root, against the database DATABASE_URL points at:

    .venv/bin/python benchmarks/library.py --partners 1000 10000

It works in a separate, temporary database (the configured one's name plus
"_benchmark"), created and migrated at the start and dropped at the end. Each
size seeds partners with bulk_create (each with cycle 1 and two actions; four in
five publish them), renders the directory (which builds the library into the
snapshot), times rebuilding one partner's rows, then requests each library page
through Django's test client. Figures, not assertions: the query count per page
should be the same at every size.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledge_portal.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from directory import library, services  # noqa: E402
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
    connection.settings_dict["CONN_MAX_AGE"] = 600
    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_benchmark"
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"Benchmarking in a temporary database ({connection.vendor}: {database})", flush=True)
    try:
        rows = run(sorted(options.partners), options.requests)
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)
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
        snapshot = services.render_directory()
        render_seconds = time.perf_counter() - started
        organisation_id = snapshot.library.values_list("organisation_id", flat=True).first()
        started = time.perf_counter()
        library.rebuild_partners_library(snapshot=snapshot, organisation_ids=[organisation_id])
        rebuild_seconds = time.perf_counter() - started
        actions = snapshot.library.count()
        print(
            f"{size:>6} partners, {actions} published actions: directory and library rendered in "
            f"{render_seconds:.1f} s; one partner's library rows rebuilt in {rebuild_seconds:.2f} s",
            flush=True,
        )
        first_action = snapshot.library.order_by("action_id").values_list("action_id", flat=True).first()

        for name, path in PAGES:
            path = path or f"/actions/{first_action}/"
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            query_count = len(queries)
            assert response.status_code == 200, (path, response.status_code)
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            rows.append(
                {
                    "partners": size,
                    "actions": actions,
                    "render": render_seconds,
                    "page": name,
                    "median": statistics.median(timings),
                    "queries": query_count,
                    "bytes": len(response.content),
                }
            )
    return rows


def print_table(rows):
    header = f"| {'partners':>8} | {'actions':>7} | {'render (s)':>10} | {'request':<20} "
    header += f"| {'median (ms)':>11} | {'queries':>7} | {'size (KB)':>9} |"
    print()
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for row in rows:
        print(
            f"| {row['partners']:>8,} | {row['actions']:>7,} | {row['render']:>10.1f} | {row['page']:<20} "
            f"| {row['median']:>11.1f} | {row['queries']:>7} | {row['bytes'] / 1024:>9,.0f} |"
        )


if __name__ == "__main__":
    main()
