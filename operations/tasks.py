"""Celery tasks and worker hooks for operations: the heartbeats of beat and of the workers."""

import logging

from celery import bootsteps, shared_task, signals
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from . import services
from .models import BEAT, WORKER

logger = logging.getLogger(__name__)


@shared_task
def record_heartbeat():
    services.record_heartbeat(name=BEAT, at=timezone.now())
    logger.debug("Recorded the %s heartbeat", BEAT)


@signals.beat_init.connect
def heartbeat_as_beat_starts(**kwargs):
    """A beat that has just started is alive now: say so at once, not a minute later."""
    record_heartbeat.delay()


def record_worker_heartbeat():
    """The worker's own heartbeat, written from its main process; a database outage is logged, not raised."""
    try:
        services.record_heartbeat(name=WORKER, at=timezone.now())
    except DatabaseError as error:
        logger.warning("Could not record the worker heartbeat: %s", error)
    else:
        logger.debug("Recorded the %s heartbeat", WORKER)
    finally:
        # One write a minute: a fresh connection each time, rather than one held idle between them
        # (and counted against max_connections) that the database may have dropped meanwhile.
        connection.close()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """While the worker's consumer is connected and consuming, record the worker heartbeat every so often.

    A step of the consumer, not a task: beat's heartbeat already needs a worker
    to run it, and a task queued behind a long build would say nothing about
    whether the worker is alive. The consumer stops while the broker is away,
    and so does this heartbeat, so /health/ready reports a worker that cannot
    take tasks as well as one that has exited.
    """

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.timer_entry = None

    def start(self, consumer):
        record_worker_heartbeat()
        self.timer_entry = consumer.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, record_worker_heartbeat
        )

    def stop(self, consumer):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    shutdown = stop


@signals.worker_init.connect
def add_the_worker_heartbeat(sender, **kwargs):
    """Sent after the task modules are imported and before the consumer is built from its steps."""
    sender.app.steps["consumer"].add(WorkerHeartbeat)
