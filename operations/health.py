"""The portal's own health checks (django-health-check 4.x): broker, outbox, directory and heartbeats.

Each check raises ServiceUnavailable when its signal is past its limit, and
keeps what it measured in `reading` for staff. Neither ever names a person:
only ages, counts and limits.
"""

import dataclasses
import datetime
import typing

import celery
from asgiref.sync import sync_to_async
from celery.app import app_or_default
from django.conf import settings
from django.utils import timezone
from health_check import HealthCheck
from health_check.exceptions import ServiceUnavailable

from directory.models import DirectorySnapshot
from outbox.models import OutboxEmail

from .models import BEAT, WORKER, Heartbeat


@dataclasses.dataclass
class PortalCheck(HealthCheck):
    """A check that also reports what it measured, and can say it does not apply here."""

    name: typing.ClassVar[str]
    reading: dict = dataclasses.field(default_factory=dict, init=False, repr=False)
    applies: bool = dataclasses.field(default=True, init=False, repr=False)

    def not_applicable(self, reason):
        self.applies = False
        self.reading = {"message": reason}


def _counted(number, unit):
    return f"{number:g} {unit}" if number == 1 else f"{number:g} {unit}s"


def _minutes(delta):
    return _counted(round(delta.total_seconds() / 60), "minute")


def _hours(delta):
    return _counted(round(delta.total_seconds() / 3600, 1), "hour")


def _seconds(delta):
    return round(delta.total_seconds())


def _tasks_run_eagerly(app):
    # The Celery app's configuration (CELERY_TASK_ALWAYS_EAGER) decides whether tasks are queued at all.
    return app.conf.task_always_eager


@dataclasses.dataclass
class BrokerConnection(PortalCheck):
    """Connect to the Celery broker (no worker needed); a refused or frozen broker fails within `timeout`."""

    name = "broker"
    app: celery.Celery = dataclasses.field(default_factory=app_or_default, repr=False)
    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=2), repr=False)

    def run(self):
        if _tasks_run_eagerly(self.app):
            self.not_applicable("Tasks run in the web process: there is no broker.")
            return
        seconds = self.timeout.total_seconds()
        # Socket timeouts as well as a connect timeout: a broker that accepts the
        # connection and then never answers must not hang the probe.
        timeouts = {"socket_timeout": seconds, "socket_connect_timeout": seconds}
        try:
            with self.app.connection_for_read(connect_timeout=seconds, transport_options=timeouts) as conn:
                conn.ensure_connection(max_retries=0)
        except Exception as error:
            raise ServiceUnavailable("The Celery broker did not answer.") from error


@dataclasses.dataclass
class OutboxBacklog(PortalCheck):
    """The oldest email not yet sent (nor given up on) must be younger than the limit."""

    name = "outbox"
    max_age: datetime.timedelta = dataclasses.field(
        default_factory=lambda: datetime.timedelta(minutes=settings.HEALTH_OUTBOX_MAX_AGE_MINUTES)
    )

    async def run(self):
        oldest = await sync_to_async(_oldest_unsent_email_created_at)()
        age = timezone.now() - oldest if oldest else None
        self.reading = {
            "oldest_unsent_age_seconds": _seconds(age) if age else None,
            "limit_seconds": _seconds(self.max_age),
        }
        if age and age > self.max_age:
            raise ServiceUnavailable(
                f"The oldest unsent email has waited {_minutes(age)}; the limit is {_minutes(self.max_age)}."
            )


def _oldest_unsent_email_created_at():
    return OutboxEmail.objects.unsent().order_by("created_at").values_list("created_at", flat=True).first()


@dataclasses.dataclass
class FailedEmails(PortalCheck):
    """Emails that failed lately need someone to look ("Emails not sent"); more than the limit fails.

    Only a recent window counts: an address that bounced for good last month
    must not keep the portal "failing" for ever.
    """

    name = "failed_emails"
    limit: int = dataclasses.field(default_factory=lambda: settings.HEALTH_MAX_FAILED_EMAILS)
    window_hours: int = dataclasses.field(default_factory=lambda: settings.HEALTH_FAILED_EMAILS_WINDOW_HOURS)

    async def run(self):
        since = timezone.now() - datetime.timedelta(hours=self.window_hours)
        failed = await OutboxEmail.objects.failed().filter(failed_at__gte=since).acount()
        self.reading = {"failed_emails": failed, "limit": self.limit, "window_hours": self.window_hours}
        if failed > self.limit:
            raise ServiceUnavailable(
                f"{_counted(failed, 'email')} failed in the last {self.window_hours} hours; "
                f"the limit is {self.limit}."
            )


@dataclasses.dataclass
class DirectoryFreshness(PortalCheck):
    """The public directory's live snapshot must have been built within the limit."""

    name = "directory"
    max_age: datetime.timedelta = dataclasses.field(
        default_factory=lambda: datetime.timedelta(hours=settings.HEALTH_DIRECTORY_MAX_AGE_HOURS)
    )

    async def run(self):
        snapshot = await sync_to_async(DirectorySnapshot.objects.current)()
        if snapshot is None:
            self.reading = {"age_seconds": None, "limit_seconds": _seconds(self.max_age)}
            raise ServiceUnavailable("The directory has never been built.")
        age = timezone.now() - snapshot.data_as_of
        self.reading = {"age_seconds": _seconds(age), "limit_seconds": _seconds(self.max_age)}
        if age > self.max_age:
            raise ServiceUnavailable(
                f"The directory was last built {_hours(age)} ago; the limit is {_hours(self.max_age)}."
            )


@dataclasses.dataclass
class RecentHeartbeat(PortalCheck):
    """A heartbeat row that must have been written recently, whenever tasks go through a broker."""

    app: celery.Celery = dataclasses.field(default_factory=app_or_default, repr=False)
    # Each check names its row and says, in its own words, what a missing or stale one means.
    heartbeat = ""
    without_a_broker = ""
    never_recorded = ""
    stale = ""  # with {age} and {limit}

    async def run(self):
        if _tasks_run_eagerly(self.app):
            self.not_applicable(self.without_a_broker)
            return
        recorded_at = await sync_to_async(Heartbeat.objects.last_beat_at)(self.heartbeat)
        if recorded_at is None:
            self.reading = {"age_seconds": None, "limit_seconds": _seconds(self.max_age)}
            raise ServiceUnavailable(self.never_recorded)
        age = timezone.now() - recorded_at
        self.reading = {"age_seconds": _seconds(age), "limit_seconds": _seconds(self.max_age)}
        if age > self.max_age:
            raise ServiceUnavailable(self.stale.format(age=_minutes(age), limit=_minutes(self.max_age)))


@dataclasses.dataclass
class BeatHeartbeat(RecentHeartbeat):
    """Beat queues a heartbeat every minute and a worker records it: a stale one means either stopped."""

    name = "heartbeat"
    heartbeat = BEAT
    without_a_broker = "Tasks run in the web process: there is no beat."
    never_recorded = "No heartbeat has been recorded yet."
    stale = "The last heartbeat was {age} ago; the limit is {limit}."
    max_age: datetime.timedelta = dataclasses.field(
        default_factory=lambda: datetime.timedelta(minutes=settings.HEALTH_BEAT_MAX_AGE_MINUTES)
    )


@dataclasses.dataclass
class WorkerSeen(RecentHeartbeat):
    """Each worker records its own heartbeat while it consumes: a stale one means no worker takes tasks."""

    name = "worker"
    heartbeat = WORKER
    without_a_broker = "Tasks run in the web process: there are no workers."
    never_recorded = "No worker has been seen yet."
    stale = "No worker has been seen for {age}; the limit is {limit}."
    max_age: datetime.timedelta = dataclasses.field(
        default_factory=lambda: datetime.timedelta(minutes=settings.HEALTH_WORKER_MAX_AGE_MINUTES)
    )
