"""Benchmark the public directory: render time, response times and queries per request at N partners.

Run from the project root, against the database DATABASE_URL points at:

    .venv/bin/python benchmarks/directory.py --partners 1000 10000 50000

It works in a separate, temporary database (the configured one's name plus
"_benchmark"), created and migrated at the start and dropped at the end, so
nothing is left behind. Each size seeds partners with bulk_create (each with
cycle 1 and two actions), renders the directory, then times each page over
--requests requests through Django's test client. Figures, not assertions.
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

from directory import services  # noqa: E402
from organisations.models import Organisation  # noqa: E402
from tests.factories import UserFactory, bulk_directory_partners  # noqa: E402

SEED_BATCH = 5000
PAGES = [
    ("/partners/", "/partners/"),
    ("/partners/ filtered", "/partners/?sector=vcse&area=bristol&kind=organisation"),
    ("/partners/ searched", "/partners/?q=partner+0004"),
    ("partner page", "/partners/partner-00042/"),
    ("/partners.json", "/partners.json"),
    ("/partners.csv", "/partners.csv"),
]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partners", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    options = parser.parse_args()

    # Measure as production runs: no query logging, no template debugging.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Persistent connections, as production should run (CONN_MAX_AGE): time the page, not the handshake.
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
        started = time.perf_counter()
        for start in range(seeded, size, SEED_BATCH):
            bulk_directory_partners(min(SEED_BATCH, size - start), start=start, created_by=signatory)
        print(f"{size:>6} partners: seeded in {time.perf_counter() - started:.1f} s", flush=True)

        started = time.perf_counter()
        snapshot = services.render_directory()
        render_seconds = time.perf_counter() - started
        assert snapshot.partner_count == size
        print(f"{size:>6} partners: rendered in {render_seconds:.1f} s", flush=True)

        for name, path in PAGES:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            query_count = len(queries)  # now: later requests reset the query log
            assert response.status_code == 200, (path, response.status_code)
            for _ in range(5):  # warm up
                client.get(path)
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            rows.append(
                {
                    "partners": size,
                    "render": render_seconds,
                    "page": name,
                    "median": statistics.median(timings),
                    "p95": statistics.quantiles(timings, n=20)[-1],
                    "queries": query_count,
                    "bytes": len(response.content),
                }
            )
            print(f"{size:>6} partners: {name} done", flush=True)
    return rows


def print_table(rows):
    header = (
        f"| {'partners':>8} | {'render (s)':>10} | {'request':<20} | {'median (ms)':>11} | {'p95 (ms)':>9} "
    )
    header += f"| {'queries':>7} | {'size (KB)':>9} |"
    print()
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for row in rows:
        print(
            f"| {row['partners']:>8,} | {row['render']:>10.1f} | {row['page']:<20} | {row['median']:>11.1f} "
            f"| {row['p95']:>9.1f} | {row['queries']:>7} | {row['bytes'] / 1024:>9,.0f} |"
        )


if __name__ == "__main__":
    main()
