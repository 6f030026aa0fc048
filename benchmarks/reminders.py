"""Benchmark the annual review reminder sweep: time and queries of one sweep over N approved pledges.

Run from the project root, against the PostgreSQL server DATABASE_URL points at:

    .venv/bin/python benchmarks/reminders.py --pledges 100000

It works in a separate, temporary database (the configured one's name plus
"_benchmark"), created and migrated at the start and dropped at the end.
It seeds N approved pledges with bulk_create, their review due dates spread
over a year, with the reminders earlier daily sweeps would have recorded.
A share of them (--due-share, default 3%) is due a reminder on the sweep day.
It then times two sweeps: that day, and a catch-up day a week later after a
7-day outage. Emails are written to the outbox and enqueued on the broker
but not sent (no worker runs): the figure is the sweep itself. By default the
broker is frozen (it accepts connections and never answers), the outage the
sweep must survive without stalling; --broker redis://... times it against a
real one (its queues are purged afterwards). Figures, not assertions.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledge_portal.settings")

import django

django.setup()

import time_machine  # noqa: E402
from dateutil.relativedelta import relativedelta  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from organisations.models import Membership, Organisation  # noqa: E402
from outbox.models import OutboxEmail  # noqa: E402
from pledge_portal.celery import app as celery_app  # noqa: E402
from pledges.models import Action, ActionTheme, Pledge, PledgeVersion, ReviewCycle  # noqa: E402
from reviews import reminders  # noqa: E402
from reviews.models import Reminder  # noqa: E402
from tests.support.frozen import FrozenServer  # noqa: E402

SEED_BATCH = 5000
SWEEP_DAY = datetime.date(2027, 6, 15)


def trigger_dates(day):
    """The due date that makes each reminder kind fall on `day`."""
    return {
        kind: day - datetime.timedelta(days=offset)
        for kind, offset in settings.REVIEW_REMINDER_OFFSETS.items()
    }


def due_dates(count, due_share):
    """`count` due dates: `due_share` on the sweep day's trigger dates, the rest spread over a year."""
    triggers = list(trigger_dates(SWEEP_DAY).values())
    year = [SWEEP_DAY - datetime.timedelta(days=60) + datetime.timedelta(days=n) for n in range(365)]
    others = [day for day in year if day not in triggers]
    due_now = round(count * due_share)
    for index in range(count):
        yield triggers[index % len(triggers)] if index < due_now else others[index % len(others)]


def already_sent(due_on):
    """The reminders daily sweeps up to the day before SWEEP_DAY would have recorded."""
    offsets = settings.REVIEW_REMINDER_OFFSETS
    return [kind for kind, offset in offsets.items() if due_on + datetime.timedelta(days=offset) < SWEEP_DAY]


def seed(count, due_share):
    version = PledgeVersion.objects.current()
    theme = ActionTheme.objects.first()
    now = timezone.now()
    dates = list(due_dates(count, due_share))
    for start in range(0, count, SEED_BATCH):
        numbers = range(start, min(start + SEED_BATCH, count))
        users = User.objects.bulk_create(
            # "!" is Django's unusable password: nobody signs in to a benchmark.
            User(email=f"partner{n:06d}@example.org", name=f"Partner lead {n}", password="!")  # noqa: S106
            for n in numbers
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Benchmark partner {n:06d}", slug=f"benchmark-partner-{n:06d}", sector="vcse")
            for n in numbers
        )
        Membership.objects.bulk_create(
            Membership(user=user, organisation=organisation, role=Membership.Role.SIGNATORY)
            for user, organisation in zip(users, organisations, strict=True)
        )
        pledges = Pledge.objects.bulk_create(
            Pledge(
                organisation=organisation,
                version=version,
                created_by=user,
                status=Pledge.Status.APPROVED,
                signatory_name=user.name,
                show_actions=True,
                approved_at=now,
                signed_on=dates[n] - relativedelta(months=12),
            )
            for n, user, organisation in zip(numbers, users, organisations, strict=True)
        )
        cycles = ReviewCycle.objects.bulk_create(
            ReviewCycle(pledge=pledge, number=1, starts_on=pledge.signed_on, due_on=dates[n])
            for n, pledge in zip(numbers, pledges, strict=True)
        )
        Action.objects.bulk_create(
            Action(pledge=cycle.pledge, cycle=cycle, number=number, theme=theme, title=f"Action {number}")
            for cycle in cycles
            for number in (1, 2)
        )
        Reminder.objects.bulk_create(
            Reminder(cycle=cycle, kind=kind) for cycle in cycles for kind in already_sent(cycle.due_on)
        )
        print(f"  seeded {numbers.stop:,} pledges", end="\r", flush=True)
    print()


def sweep(day):
    before = OutboxEmail.objects.count()
    at_seven = datetime.datetime.combine(day, datetime.time(7))
    with time_machine.travel(at_seven, tick=False), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        sent = reminders.send_due_reminders()
        seconds = time.perf_counter() - started
    return sent, seconds, len(queries), OutboxEmail.objects.count() - before


def report(label, total, sent, seconds, queries, emails):
    """One sweep's figures; the sweep claims cycles in batches of REVIEW_REMINDER_BATCH_SIZE."""
    cycles = sum(sent.values())
    batches = "; ".join(f"{kind} {count:,}" for kind, count in sent.items())
    print(f"{label}: {cycles:,} reminders ({cycles / total:.1%} of pledges: {batches})")
    print(f"  {seconds:.2f} s, {queries} queries, {emails:,} outbox emails written")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pledges", type=int, default=100_000)
    parser.add_argument("--due-share", type=float, default=0.03)
    parser.add_argument("--broker", default="frozen", help='"frozen", or a broker URL such as redis://...')
    options = parser.parse_args()

    settings.DEBUG = False
    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_benchmark"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"Seeding {options.pledges:,} approved pledges ...")
        started = time.perf_counter()
        seed(options.pledges, options.due_share)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  seeded in {time.perf_counter() - started:.0f} s")
        with FrozenServer() as frozen:
            broker = f"redis://127.0.0.1:{frozen.port}/0" if options.broker == "frozen" else options.broker
            celery_app.conf.update(broker_url=broker, task_always_eager=False)
            print(f"Enqueueing on {'a frozen broker' if options.broker == 'frozen' else broker}")
            report(f"Sweep on {SWEEP_DAY}", options.pledges, *sweep(SWEEP_DAY))
            catch_up = SWEEP_DAY + datetime.timedelta(days=7)
            report(f"Catch-up sweep on {catch_up} after a 7-day outage", options.pledges, *sweep(catch_up))
            report(f"Second sweep on {catch_up}", options.pledges, *sweep(catch_up))
        if options.broker != "frozen":
            with celery_app.connection_for_write() as broker_connection:
                for queue in ("celery", "email"):
                    broker_connection.default_channel.queue_purge(queue)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
