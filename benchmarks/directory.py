"""Benchmark the public directory: throughput against a static file and a naive ListView, builds, queries.

Run from the project root, against the database DATABASE_URL points at, with
Redis (REDIS_URL, default redis://127.0.0.1:6379/0: its database is emptied):

    .venv/bin/python benchmarks/directory.py --partners 10000 50000 --http-partners 10000

or, for the build figures alone, `--partners 50000 --builds-only`.

It works in a separate, temporary database (the configured one's name plus
"_benchmark"), created and migrated at the start and dropped at the end, so
nothing is left behind. For each size it seeds partners with bulk_create (each
with cycle 1 and two actions), then measures, printing figures, never asserting:

- builds: a full build in a fresh process (seconds, peak memory), and the
  incremental build of one partner joining and one partner's edit (seconds
  until the directory shows it, and of those the seconds moving the places
  for paging; the open-data files are rewritten after that);
- requests in this process through Django's test client: queries per request
  and milliseconds, rendered (with a session cookie, so the page cache is
  skipped) and from the page cache;
- at --http-partners, over HTTP: gunicorn with 2 sync workers, DEBUG off,
  Redis as the cache, as production runs, in interleaved rounds of each page
  with 8 connections: requests per second, p95, and the workers' CPU per
  request. The baselines run in the same gunicorn: the same bytes as /partners/
  served as a static file by whitenoise and from a plain Django view, and a
  naive ListView (benchmarks/directory_baselines/). Then a mixed load (50
  connections: 70% directory, 20% partner pages, 10% home and /pledge/) for p95.

The load generator is Python (threads, one connection per request, as gunicorn's
sync workers close each), on the same machine: for the fastest pages it may be
the limit, so the workers' CPU per request is the steadier figure.
"""

import argparse
import itertools
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledge_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.support.http_load import clear_cache, gunicorn, load, request  # noqa: E402
from directory import library, open_data, services  # noqa: E402
from organisations.models import Organisation  # noqa: E402
from pledges.models import Pledge  # noqa: E402
from tests.factories import UserFactory, bulk_directory_partners, directory_partner  # noqa: E402
from tests.support.processes import (  # noqa: E402
    current_database_url,
)

SEED_BATCH = 5000
PAGES = [
    ("/partners/", "/partners/"),
    ("/partners/ filtered", "/partners/?sector=vcse&area=bristol&kind=organisation"),
    ("/partners/ searched", "/partners/?q=partner+0004"),
    ("/partners/ last page", "/partners/?page=500"),
    ("partner page", "/partners/partner-00042/"),
    ("home", "/"),
    ("/partners.json", "/partners.json"),
]
STATIC = ("static file (same bytes)", "/partners.html")
PLAIN = ("plain Django view (same bytes)", "/benchmark/plain/partners/")
NAIVE = ("naive ListView", "/benchmark/naive/partners/")
# A session cookie, under both names the settings use (DEBUG on, and off: "__Host-"): the page is then
# rendered for this request, as for someone signed in.
NO_CACHE = {"Cookie": "sessionid=benchmark; __Host-sessionid=benchmark"}
HTTP_PAGES = [
    STATIC,
    PLAIN,
    ("/partners/", "/partners/"),
    ("/partners/ filtered", "/partners/?sector=vcse&area=bristol"),
    ("/partners/ searched", "/partners/?q=partner+0004"),
    ("partner page", "/partners/partner-00042/"),
    NAIVE,
    ("/partners/ uncached", "/partners/", NO_CACHE),
]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partners", type=int, nargs="+", default=[10000, 50000])
    parser.add_argument(
        "--http-partners", type=int, default=10000, help="size for the HTTP figures (0: none)"
    )
    parser.add_argument("--requests", type=int, default=50, help="in-process requests per page (default 50)")
    parser.add_argument("--seconds", type=float, default=3, help="each page's turn in each round (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument(
        "--mixed-seconds", type=float, default=20, help="the mixed load's length (default 20)"
    )
    parser.add_argument(
        "--builds-only", action="store_true", help="only the full and incremental builds: no requests"
    )
    parser.add_argument("--build-once", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.build_once:
        return build_once()

    # Measure as production runs: no query logging, no template debugging.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="directory-benchmark-media-")
    # Persistent connections, as production should run (CONN_MAX_AGE): time the page, not the handshake.
    connection.settings_dict["CONN_MAX_AGE"] = 600
    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_benchmark"
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"Benchmarking in a temporary database ({database})", flush=True)
    print(f"Machine: {os.cpu_count()} CPUs, load average {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    try:
        figures = run(sorted(options.partners), options)
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    print(f"Load average at the end: {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    print_builds(figures["builds"])
    if figures["pages"]:
        print_pages(figures["pages"])
    if figures["http"]:
        print_http(figures["http"], options)


def run(sizes, options):
    client = Client()
    signatory = UserFactory()
    figures = {"builds": [], "pages": [], "http": None}
    for size in sizes:
        seeded = Organisation.objects.filter(slug__startswith="partner-").count()
        started = time.perf_counter()
        for start in range(seeded, size, SEED_BATCH):
            bulk_directory_partners(min(SEED_BATCH, size - start), start=start, created_by=signatory)
        print(f"{size:>6} partners: seeded in {time.perf_counter() - started:.1f} s", flush=True)
        figures["builds"].append({"partners": size, **full_build(), **incremental_builds(size)})
        print(f"{size:>6} partners: built", flush=True)
        if options.builds_only:
            continue
        figures["pages"].extend(in_process(client, size, options.requests))
        if size == options.http_partners:
            figures["http"] = over_http(client, options)
    return figures


# Builds --------------------------------------------------------------------------------


def full_build():
    """A full build in a fresh process, as the nightly task runs: its time and its peak memory."""
    env = {**os.environ, "DATABASE_URL": current_database_url(), "MEDIA_ROOT": settings.MEDIA_ROOT}
    result = subprocess.run(
        [sys.executable, __file__, "--build-once"], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def build_once():
    # As production runs: with DEBUG on, every query's SQL (each batch of rows written) is kept in memory.
    settings.DEBUG = False
    reverse("directory:directory")  # as a worker that has run a task: its URL modules are imported
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    file_seconds = []
    started = time.perf_counter()
    with timing(open_data, "write_files", file_seconds):
        snapshot = services.build_directory()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "full_seconds": seconds,
                # Until the new snapshot is committed and shown; the open-data files are written after.
                "full_shown_seconds": seconds - sum(file_seconds),
                "full_peak_mb": peak / 1024,
                "full_growth_mb": (peak - baseline) / 1024,
                "count": snapshot.partner_count,
            }
        )
    )


def incremental_builds(size):
    """One partner joining, its edit, then its withdrawal: seconds until the directory shows each.

    Also the seconds of each spent moving the places for paging and rewriting the library's rows and
    files, and writing the open-data files after.
    """
    file_seconds, place_seconds, library_seconds = [], [], []

    def timed_build(organisation_id):
        started = time.perf_counter()
        services.build_partners([organisation_id])
        return time.perf_counter() - started - file_seconds[-1]

    # A worker that has built before: the first reverse() in a process imports every URL module (about
    # 1 s, most of it the PDF library the certificates use), once, which is not the build's own cost.
    reverse("directory:directory")
    with (
        timing(open_data, "write_files", file_seconds),
        timing(services, "_move_positions", place_seconds),
        timing(library, "rebuild_partners_library", library_seconds),
    ):
        joining = directory_partner(f"Joining Partner {size}")
        joined = timed_build(joining.organisation_id)
        Organisation.objects.filter(pk=joining.organisation_id).update(website="https://changed.example")
        edited = timed_build(joining.organisation_id)
        # Withdrawn, it leaves: the directory is back to the seeded partners for the next size.
        Pledge.objects.filter(pk=joining.pk).update(
            status=Pledge.Status.WITHDRAWN, withdrawn_at=timezone.now()
        )
        left = timed_build(joining.organisation_id)
    return {
        "join_seconds": joined,
        "edit_seconds": edited,
        "leave_seconds": left,
        "places_seconds": place_seconds,
        "library_seconds": library_seconds,
        "files_seconds": statistics.mean(file_seconds),
    }


@contextmanager
def timing(module, name, seconds):
    """Append to `seconds` how long each call of module.name takes, while in the block."""
    function = getattr(module, name)

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - started)

    setattr(module, name, timed)
    try:
        yield
    finally:
        setattr(module, name, function)


# Requests in this process ------------------------------------------------------------------


def in_process(client, size, requests):
    rows = []
    for name, path in PAGES:
        row = {"partners": size, "page": name}
        for kind, headers in (("rendered", NO_CACHE), ("cached", {})):
            client.cookies.clear()  # the session middleware deletes the made-up session cookie: forget it
            if kind == "cached":
                client.get(path)  # rendered and stored, so the request counted is served from the cache
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
            row[f"{kind}_queries"] = len(queries)
            for _ in range(3):  # warm up
                client.get(path, headers=headers)
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get(path, headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
            row[f"{kind}_median"] = statistics.median(timings)
        rows.append(row)
    print(f"{size:>6} partners: pages timed in this process", flush=True)
    return rows


# Over HTTP ----------------------------------------------------------------------------------


def over_http(client, options):
    files = Path(tempfile.mkdtemp(prefix="directory-benchmark-files-"))
    # The bytes /partners/ serves now, to serve as a static file and from a plain view.
    (files / "partners.html").write_bytes(client.get("/partners/").content)
    slugs = list(services.current_directory().entries.values_list("slug", flat=True))
    try:
        with gunicorn(files) as server:
            for _, path, *headers in HTTP_PAGES:  # warm each worker's caches and connections
                for _ in range(6):
                    request(server.port, path, headers[0] if headers else {})
            results = {
                page[0]: {"count": 0, "seconds": 0.0, "timings": [], "cpu": 0.0} for page in HTTP_PAGES
            }
            for round_number in range(options.rounds):
                for name, path, *headers in HTTP_PAGES:
                    paths = lambda rng, path=path: path  # noqa: E731
                    measured = load(
                        server, paths, headers[0] if headers else {}, options.seconds, connections=8
                    )
                    result = results[name]
                    result["count"] += measured["count"]
                    result["seconds"] += measured["seconds"]
                    result["timings"] += measured["timings"]
                    result["cpu"] += measured["cpu"]
                print(f"HTTP: round {round_number + 1} of {options.rounds} done", flush=True)
            paths = mixed_paths(slugs, pages=-(-len(slugs) // 20))
            clear_cache(server.cache_url)
            mixed = [load(server, paths, {}, options.mixed_seconds, connections=50) for _ in ("cold", "warm")]
            print("HTTP: mixed load done", flush=True)
    finally:
        shutil.rmtree(files, ignore_errors=True)
    return {"pages": results, "mixed": mixed}


def mixed_paths(slugs, pages):
    """70% directory, 20% partner pages, 10% home and /pledge/; pages and partners drawn by popularity.

    Visits are skewed, as on a real site: page n of the list, and the n-th
    partner, are drawn with weight 1/n (Zipf), so the popular ones repeat and
    the long tail is rendered on first sight.
    """
    directory = [
        "/partners/",
        "/partners/?sector=vcse",
        "/partners/?area=bristol",
        "/partners/?sector=health&area=north-somerset",
        "/partners/?q=partner+01",
        "/partners/?sort=recent",
    ]
    slugs = random.Random(0).sample(slugs, len(slugs))  # popularity unrelated to name
    page_weights = list(itertools.accumulate(1 / n for n in range(1, pages + 1)))
    slug_weights = list(itertools.accumulate(1 / n for n in range(1, len(slugs) + 1)))

    def choose(rng):
        draw = rng.random()
        if draw < 0.7:
            if rng.random() < 0.5:
                return rng.choice(directory)
            [page] = rng.choices(range(1, pages + 1), cum_weights=page_weights)
            return f"/partners/?page={page}"
        if draw < 0.9:
            [slug] = rng.choices(slugs, cum_weights=slug_weights)
            return f"/partners/{slug}/"
        return rng.choice(["/", "/pledge/"])

    return choose


# Tables ---------------------------------------------------------------------------------------


def print_builds(rows):
    print("\nBuilds (full: in a fresh process; incremental: until the directory shows the change)\n")
    print(
        "| partners | full build, with the open-data files (s) | of which until it shows (s) "
        "| full build peak (MB) | one partner joins (s) "
        "| one partner's edit (s) | one partner leaves (s) | of which moving places: join, edit, leave (s) "
        "| of which the library: join, edit, leave (s) | open-data files written after (s) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        places, library_rows = (
            ", ".join(f"{seconds:.3f}" for seconds in row[key])
            for key in ("places_seconds", "library_seconds")
        )
        print(
            f"| {row['partners']:,} | {row['full_seconds']:.1f} | {row['full_shown_seconds']:.1f} "
            f"| {row['full_peak_mb']:.0f} "
            f"| {row['join_seconds']:.2f} | {row['edit_seconds']:.2f} | {row['leave_seconds']:.2f} "
            f"| {places} | {library_rows} | {row['files_seconds']:.2f} |"
        )


def print_pages(rows):
    print("\nRequests in this process (Django's test client): queries and median ms, rendered and cached\n")
    print("| partners | request | queries rendered | queries cached | rendered (ms) | cached (ms) |")
    print("|---:|---|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['partners']:,} | {row['page']} | {row['rendered_queries']} | {row['cached_queries']} "
            f"| {row['rendered_median']:.1f} | {row['cached_median']:.1f} |"
        )


def print_http(figures, options):
    pages = figures["pages"]
    rate = {name: result["count"] / result["seconds"] for name, result in pages.items()}
    static, naive = rate[STATIC[0]], rate[NAIVE[0]]
    print(
        f"\nOver HTTP: gunicorn, 2 sync workers, 8 connections, {options.rounds} interleaved rounds of "
        f"{options.seconds:g} s per page\n"
    )
    print(
        "| page | requests/s | p95 (ms) | worker CPU per request (ms) | throughput vs static file "
        "| throughput vs naive ListView |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, result in pages.items():
        p95 = statistics.quantiles(result["timings"], n=20)[-1]
        cpu = result["cpu"] / result["count"] * 1000
        print(
            f"| {name} | {rate[name]:.0f} | {p95:.0f} | {cpu:.2f} | {rate[name] / static:.2f} "
            f"| {rate[name] / naive:.1f}x |"
        )
    print(
        "\nMixed load: 50 connections, 70% directory, 20% partner pages, 10% home and /pledge/ (Zipf), "
        f"{options.mixed_seconds:g} s from an empty page cache, then {options.mixed_seconds:g} s more\n"
    )
    print("| run | requests/s | median (ms) | p95 (ms) | worker CPU per request (ms) |")
    print("|---|---:|---:|---:|---:|")
    for name, mixed in zip(("cold cache", "warm cache"), figures["mixed"], strict=True):
        print(
            f"| {name} | {mixed['count'] / mixed['seconds']:.0f} | {statistics.median(mixed['timings']):.0f} "
            f"| {statistics.quantiles(mixed['timings'], n=20)[-1]:.0f} "
            f"| {mixed['cpu'] / mixed['count'] * 1000:.2f} |"
        )


if __name__ == "__main__":
    main()
