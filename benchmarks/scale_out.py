"""Scale-out rehearsal: two web servers, two workers and a beat on one database and Redis, under locust.

Run from the project root, with the PostgreSQL server DATABASE_URL points at
and a Redis database of the rehearsal's own for the broker and another for the
cache (the script empties its queues and Django's keys in that cache at the start):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pledge_portal \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/8 CACHE_URL=redis://127.0.0.1:6379/9 \\
      .venv/bin/python benchmarks/scale_out.py --duration 60 --users 20

It works in a scratch database (DATABASE_URL's name plus "_rehearsal"),
created and migrated at the start and dropped at the end. It seeds the
directory (--partners, built once), a programme-team login and
--pledges submitted pledges, runs collectstatic into a temporary STATIC_ROOT,
and starts an SMTP server (aiosmtpd) in this process that records every
message. Then, as production runs them (DEBUG=False, a real SECRET_KEY,
ALLOWED_HOSTS, SITE_URL, CACHE_URL on Redis): two gunicorn processes from the
Procfile's web line on two ports, a worker on the "email" queue and one on
the "celery" queue, and one beat. benchmarks/locustfile.py then loads both
web servers for --duration seconds, headless: sign-ups through allauth's form
(each sends a verification email), directory browsing, and programme-team
decisions on the seeded pledges (each emails the signatory). While it runs,
and until the outbox drains (or --drain-timeout passes), it samples the
unsent outbox emails and the broker's queues every --sample-seconds.

It prints the settings, response times (p50/p95/p99) overall and per kind,
requests per second, every distinct error, the emails the run queued against
those the SMTP server received (duplicates by Message-ID), and the backlog
series. It exits with status 1 if a request failed or an email was lost or
sent twice. Pass --keep DIR to keep locust's CSV files and each process's log.
"""

import argparse
import contextlib
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledge_portal.settings")

import django

django.setup()

import factory  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import PROGRAMME_TEAM_GROUP  # noqa: E402
from directory import services as directory  # noqa: E402
from organisations.models import Area, Organisation  # noqa: E402
from outbox.models import OutboxEmail  # noqa: E402
from pledges.models import Pledge  # noqa: E402
from tests.factories import PledgeFactory, UserFactory, bulk_directory_partners  # noqa: E402
from tests.support.processes import (  # noqa: E402
    Processes,
    clear_broker,
    clear_cache,
    collect_static,
    current_database_url,
    production_environment,
)
from tests.support.proxied_client import SITE_URL  # noqa: E402
from tests.support.smtp import SMTPServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEAM_EMAIL = "reviewer@rehearsal.test"
TEAM_PASSWORD = "a-long-rehearsal-team-password"  # noqa: S105 - a scratch login in a scratch database
KINDS = ("sign-up", "directory", "decision", "sign-in")
QUEUES = ("email", "celery")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--users", type=int, default=20, help="locust users (default 20)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second (default 5)")
    parser.add_argument("--partners", type=int, default=1000, help="partners in the directory (default 1000)")
    parser.add_argument("--pledges", type=int, default=300, help="submitted pledges to decide (default 300)")
    parser.add_argument("--web-concurrency", type=int, default=2, help="gunicorn workers per web server")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="processes per Celery worker")
    parser.add_argument("--drain-timeout", type=int, default=300, help="seconds to wait for the outbox")
    parser.add_argument("--sample-seconds", type=float, default=5, help="backlog sampling interval")
    parser.add_argument("--keep", type=Path, help="keep locust's CSV files and the process logs here")
    options = parser.parse_args()
    broker_url, cache_url = settings.CELERY_BROKER_URL, os.environ.get("CACHE_URL", "")
    if not (broker_url.startswith("redis://") and cache_url.startswith("redis://")):
        sys.exit("Set CELERY_BROKER_URL and CACHE_URL to two Redis databases of the rehearsal's own.")

    work = Path(tempfile.mkdtemp(prefix="scale-out-"))
    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_rehearsal"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"Rehearsing in a scratch database ({connection.settings_dict['NAME']})", flush=True)
    try:
        failed = rehearse(options, work, broker_url=broker_url, cache_url=cache_url)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if options.keep:
            shutil.copytree(work, options.keep, dirs_exist_ok=True)
            print(f"Logs and locust's CSV files are in {options.keep}")
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


def rehearse(options, work, *, broker_url, cache_url):
    # aiosmtpd logs every connection at INFO: the figures are the output here.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    load_before = os.getloadavg()[0]  # the machine's other work: the figures depend on it
    started = time.perf_counter()
    plan = seed(options, work)
    print(f"Seeded in {time.perf_counter() - started:.0f} s", flush=True)
    empty_redis(broker_url, cache_url)
    smtp = SMTPServer().start()
    try:
        first_new_email = (OutboxEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        with portal(
            options, work, broker_url=broker_url, cache_url=cache_url, email_url=smtp.url()
        ) as web_servers:
            plan["web_servers"] = web_servers
            (work / "plan.json").write_text(json.dumps(plan))
            load_started = time.monotonic()
            samples = run_load(options, work, broker_url=broker_url, origin=load_started)
            load_during = os.getloadavg()[0]
            samples += drain(options, broker_url=broker_url, origin=load_started)
        figures = json.loads((work / "records.json").read_text())
        report_settings(options, web_servers, figures["users"], (load_before, load_during))
        failed = report_requests(figures)
        failed |= report_emails(smtp, first_new_email, figures)
        report_backlog(samples)
        failed |= report_process_logs(work / "logs")
    finally:
        smtp.stop()
    return failed


# Seeding --------------------------------------------------------------------------


def seed(options, work):
    """The directory, a programme-team login and the submitted pledges; returns the plan for locust."""
    bulk_directory_partners(options.partners, created_by=UserFactory())
    directory.build_directory()
    reviewer = UserFactory(email=TEAM_EMAIL, name="Rehearsal Reviewer", password=TEAM_PASSWORD)
    reviewer.groups.add(Group.objects.get(name=PROGRAMME_TEAM_GROUP))
    # Signatories never sign in here: Django's unusable password, stored as is, spares a hash per pledge.
    unusable = factory.Transformer.Force("!")
    pledges = [
        PledgeFactory(submitted=True, created_by__password=unusable).pk for _ in range(options.pledges)
    ]
    slugs = list(
        Organisation.objects.filter(pledges__in=Pledge.objects.in_directory())
        .order_by("?")
        .values_list("slug", flat=True)[:200]
    )
    return {
        "site_url": SITE_URL,
        "team": {"email": TEAM_EMAIL, "password": TEAM_PASSWORD},
        "pledges_to_decide": pledges,
        "partner_slugs": slugs,
        "directory_filters": {
            "sector": Organisation.Sector.values,
            "area": list(Area.objects.values_list("code", flat=True)),
            "kind": Organisation.Kind.values,
        },
        "search_terms": ["partner+0004", "partner+01", "partnr+00042", "00123", "partner"],
        "records": str(work / "records.json"),
    }


def empty_redis(broker_url, cache_url):
    """No tasks left from an earlier run (their rows are gone), no rate-limit counts from it either."""
    clear_broker(broker_url, QUEUES)
    clear_cache(cache_url)


# The production processes ----------------------------------------------------------


@contextlib.contextmanager
def portal(options, work, *, broker_url, cache_url, email_url):
    """Two web servers, a worker per queue and one beat, as production runs them; yields the web addresses."""
    env = production_environment(
        database_url=current_database_url(),
        broker_url=broker_url,
        cache_url=cache_url,
        email_url=email_url,
        static_root=work / "static",
        media_root=work / "media",
    )
    collect_static(env)
    with Processes(work / "logs") as processes:
        web = [processes.web(env, workers=options.web_concurrency) for _ in range(2)]
        for queue in QUEUES:
            processes.worker(env, concurrency=options.worker_concurrency, queues=[queue])
        processes.beat(env)
        processes.wait_until_ready()
        yield [f"http://127.0.0.1:{server.port}" for server in web]


# The load, and the drain ---------------------------------------------------------


def run_load(options, work, *, broker_url, origin):
    """Run locust headless for --duration seconds, sampling the backlog meanwhile."""
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "--users",
        str(options.users),
        "--spawn-rate",
        str(options.spawn_rate),
        "--run-time",
        f"{options.duration}s",
        # Each user finishes the journey it is in, so every email the load caused is counted.
        "--stop-timeout",
        "30",
        "--csv",
        str(work / "locust"),
        "--only-summary",
    ]
    env = {**os.environ, "SCALE_OUT_PLAN": str(work / "plan.json")}
    print(f"Load: {options.users} locust users for {options.duration} s ...", flush=True)
    with open(work / "locust.log", "w") as log:
        locust = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        samples = sample_until(
            lambda: locust.poll() is not None, options, broker_url, phase="load", origin=origin
        )
    if not (work / "records.json").exists():
        output = (work / "locust.log").read_text()[-3000:]
        sys.exit(f"locust ended without its records (exit status {locust.returncode}):\n{output}")
    return samples


def drain(options, *, broker_url, origin):
    """Sample until the outbox has no unsent email, or --drain-timeout passes."""
    print("Draining the outbox ...", flush=True)
    deadline = time.monotonic() + options.drain_timeout
    return sample_until(
        lambda: time.monotonic() > deadline or not OutboxEmail.objects.unsent().exists(),
        options,
        broker_url,
        phase="drain",
        origin=origin,
    )


def sample_until(done, options, broker_url, *, phase, origin):
    """A sample of the backlog every --sample-seconds, and one more when `done()` comes true."""
    broker = redis.Redis.from_url(broker_url)
    samples = []
    while True:
        finished = done()
        now = time.monotonic()
        samples.append(
            {
                "since": now - origin,
                "phase": phase,
                "unsent": OutboxEmail.objects.unsent().count(),
                "outbox": OutboxEmail.objects.count(),
                **{f"queue {queue}": broker.llen(queue) for queue in QUEUES},
            }
        )
        if finished:
            return samples
        time.sleep(max(0.0, options.sample_seconds - (time.monotonic() - now)))


# Reporting --------------------------------------------------------------------------


def percentiles(timings):
    if len(timings) < 2:
        return (timings[0],) * 3 if timings else (0, 0, 0)
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def report_settings(options, web_servers, users, load_averages):
    mix = ", ".join(f"{count} {name}" for name, count in sorted(users.items()))
    print()
    print("Settings")
    print(f"  web: {len(web_servers)} gunicorn from the Procfile's web line, on {', '.join(web_servers)},")
    print(f"       WEB_CONCURRENCY={options.web_concurrency} each")
    print(f"  workers: one on the 'email' queue, one on 'celery', --concurrency {options.worker_concurrency}")
    print("  beat: one; docs/deploy.md's settings (DEBUG=False, SECURE_SSL_REDIRECT, CACHE_URL on Redis,")
    print("        CONN_MAX_AGE unset: 0, OUTBOX_SWEEP_SECONDS 60); PostgreSQL; aiosmtpd in this process")
    print(f"  load: {options.users} locust users ({mix}), {options.spawn_rate}/s, {options.duration} s")
    print(
        f"  data: {options.partners} partners in the directory, {options.pledges} submitted pledges to decide"
    )
    before, during = load_averages
    print(f"  machine: {os.cpu_count()} CPU cores; load average {before:.1f} before the rehearsal started,")
    print(f"           {during:.1f} at the end of the load")


def report_requests(figures):
    """The response-time table and the errors; returns whether any request failed."""
    requests = figures["requests"]
    seconds = figures["stopped"] - figures["started"]
    rows = [("overall", requests)] + [(kind, [r for r in requests if r["kind"] == kind]) for kind in KINDS]
    names = sorted({r["name"] for r in requests})
    rows += [(f"  {name}", [r for r in requests if r["name"] == name]) for name in names]
    print()
    print(f"Requests ({seconds:.0f} s of load; times in ms)")
    print()
    print("| kind | requests | req/s | p50 | p95 | p99 | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, chosen in rows:
        p50, p95, p99 = percentiles([r["ms"] for r in chosen])
        errors = sum(1 for r in chosen if r["error"])
        print(
            f"| {label} | {len(chosen):,} | {len(chosen) / seconds:.1f} | {p50:.0f} | {p95:.0f} | {p99:.0f} "
            f"| {errors} |"
        )
    errors = Counter(r["error"] for r in requests if r["error"])
    print()
    print(f"Errors: {sum(errors.values())}")
    for error, count in errors.most_common():
        print(f"  {count} x {error}")
    if figures["pledges_left"] == 0:
        print("  (every seeded pledge was decided before the end: pass a larger --pledges)")
    return bool(errors)


def report_emails(smtp, first_new_email, figures):
    """Outbox rows the run created against what the SMTP server received; returns whether any went astray."""
    created = OutboxEmail.objects.filter(pk__gte=first_new_email)
    expected = dict(created.values_list("message_id", "status"))
    received = Counter(message["Message-ID"] for message in smtp.received)
    succeeded = Counter(
        r["name"] for r in figures["requests"] if not r["error"] and r["name"].startswith("POST")
    )
    signups = succeeded["POST sign-up: create account"]
    decisions = succeeded["POST decision: approve"] + succeeded["POST decision: request-changes"]
    missing = [message_id for message_id in expected if message_id not in received]
    duplicates = {message_id: count for message_id, count in received.items() if count > 1}
    strangers = [message_id for message_id in received if message_id not in expected]
    statuses = Counter(expected.values())
    # The seeded partners' names (tests/factories.py) folded, so that decisions count as one kind of email.
    subjects = Counter(
        re.sub(r"Partner Organisation \d+", "<partner>", subject)
        for subject in created.values_list("subject", flat=True)
    )
    print()
    print("Emails")
    print(f"  expected: {len(expected)} outbox rows created during the run")
    print(f"            ({signups} sign-ups + {decisions} decisions = {signups + decisions} by the load)")
    print(f"  statuses: {', '.join(f'{status} {count}' for status, count in sorted(statuses.items()))}")
    for subject, count in subjects.most_common():
        print(f"    {count} x {subject}")
    print(f"  received: {sum(received.values())} by the SMTP server, {len(received)} distinct Message-IDs")
    print(f"  missing: {len(missing)}; unexpected: {len(strangers)}")
    print(f"  duplicates by Message-ID: {len(duplicates)}")
    for message_id, count in list(duplicates.items())[:10]:
        print(f"    {message_id} received {count} times")
    return bool(missing or duplicates or strangers or len(expected) != signups + decisions)


def report_backlog(samples):
    print()
    print("Outbox backlog (unsent emails) and broker queues, every sample")
    print()
    print("| t (s) | phase | unsent | outbox rows | queue email | queue celery |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for sample in samples:
        print(
            f"| {sample['since']:.0f} | {sample['phase']} | {sample['unsent']} | {sample['outbox']} "
            f"| {sample['queue email']} | {sample['queue celery']} |"
        )


def report_process_logs(log_dir):
    """The tasks the workers ran (from their logs), and any traceback logged; returns whether one was."""
    finished = re.compile(r"Task (?P<task>[\w.]+)\[[^\]]+\] succeeded in (?P<seconds>[\d.]+)s")
    tasks, tracebacks = {}, {}
    for log in sorted(log_dir.glob("*.log")):
        text = log.read_text(errors="replace")
        for match in finished.finditer(text):
            tasks.setdefault(match["task"], []).append(float(match["seconds"]))
        if count := text.count("Traceback (most recent call last)"):
            tracebacks[log.name] = count
    print()
    print("Tasks the workers ran")
    for task, seconds in sorted(tasks.items()):
        median, longest = statistics.median(seconds), max(seconds)
        print(f"  {task}: {len(seconds)}, median {median:.2f} s, longest {longest:.2f} s")
    found = ", ".join(f"{count} in {log}" for log, count in tracebacks.items())
    print(f"Tracebacks in the process logs: {found or 0}")
    return bool(tracebacks)


if __name__ == "__main__":
    main()
