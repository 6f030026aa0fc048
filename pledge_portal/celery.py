"""The Celery app, configured from Django settings (CELERY_*), and the one way the portal enqueues tasks."""

import logging.config
import os
import time
from functools import partial

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledge_portal.settings")

# Celery's own loader, which also refuses to start a worker or beat as gunicorn refuses (named, not
# imported: the project's shared base imports none of its own siblings).
app = Celery("pledge_portal", loader="pledge_portal.startup:CeleryLoader")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@signals.setup_logging.connect
def use_django_logging(**kwargs):
    """Workers and beat log exactly as the web does (LOG_FORMAT, LOG_LEVEL), not with Celery's own handlers.

    Connected here, where `celery -A pledge_portal` starts, so it is in place
    before Celery sets up logging in every process type.
    """
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


# After a failed enqueue this process stops trying until this time.monotonic()
# value: during an outage only one request in each pause pays the timeout.
_broker_paused_until = 0.0


def enqueue(task_name, *calls, countdown=None):
    """Hand task `task_name` to the broker once per tuple of arguments in `calls`; return how many went.

    `countdown` (seconds) holds the task back, so changes made meanwhile can join it.

    The broker being down, or frozen (accepting connections and never
    answering), must not hold up the web request or the batch that enqueues:
    every caller keeps its work in the database for a sweep to pick up. So the
    connection to the broker has short socket timeouts, each task is tried
    twice at most, and after a failure the rest are skipped at once, the
    failure is logged once, and enqueueing pauses for a few seconds.
    """
    from django.conf import settings

    global _broker_paused_until
    if app.conf.task_always_eager:
        app.loader.import_default_modules()  # tasks are found on first use outside a worker
        for args in calls:
            app.tasks[task_name].apply_async(args, countdown=countdown)
        return len(calls)
    if time.monotonic() < _broker_paused_until:
        return 0

    timeout = settings.TASK_ENQUEUE_TIMEOUT_SECONDS
    retry_policy = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
    enqueued = 0
    # The timeouts are on this enqueueing connection only: a worker's own connection
    # must block while it waits for tasks (a global socket timeout crashes it).
    with app.connection_for_write(
        connect_timeout=timeout,
        transport_options={"socket_timeout": timeout, "socket_connect_timeout": timeout},
    ) as connection:
        for args in calls:
            try:
                app.send_task(
                    task_name,
                    args,
                    countdown=countdown,
                    connection=connection,
                    retry=True,
                    retry_policy=retry_policy,
                )
            except Exception as exc:  # whatever the broker did, the caller's change stands
                _broker_paused_until = time.monotonic() + settings.TASK_ENQUEUE_PAUSE_SECONDS
                logger.error(
                    "Could not enqueue %s on the broker (%s: %s); %d left for the sweep.",
                    task_name,
                    type(exc).__name__,
                    exc,
                    len(calls) - enqueued,
                )
                break
            enqueued += 1
    return enqueued


def enqueue_on_commit(task_name, *calls):
    """Enqueue once the current transaction commits, so a worker never looks for a row not yet there."""
    from django.db import transaction

    transaction.on_commit(partial(enqueue, task_name, *calls))


def forget_broker_failures():
    """Enqueue again at once, without waiting out the pause after a failure (tests, after a broker change)."""
    global _broker_paused_until
    _broker_paused_until = 0.0
