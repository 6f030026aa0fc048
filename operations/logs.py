"""Logging helpers: the JSON formatter (LOG_FORMAT=json) and the filter that adds the Celery task id.

Loaded by dictConfig from settings.LOGGING, by Celery workers and beat, and by
gunicorn before Django starts: nothing here may need Django's apps.
"""

import logging

from celery import current_task
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from .middleware import HEALTH_PATH, loggable_path


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id, task_id and any `extra` fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        # Django attaches the request to some records; its repr carries the query string.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)


class CeleryTaskId(logging.Filter):
    """Set `record.task_id` to the id of the Celery task being run, or None outside a task.

    A worker logs "Task ... received" before the task runs; that line takes the
    id Celery passes along with it.
    """

    def filter(self, record):
        record.task_id = current_task_id() or celery_logged_task_id(record)
        return True


def celery_logged_task_id(record):
    data = getattr(record, "data", None)
    if record.name.startswith("celery.") and isinstance(data, dict):
        return data.get("id")
    return None


def current_task_id():
    """The id of the Celery task this thread is running (in a worker, or eagerly), or None."""
    return current_task.request.id if current_task else None


class SkipHealthProbes(logging.Filter):
    """Drop django.request's lines for /health/: the health view logs a 503 itself, naming the checks."""

    def filter(self, record):
        request = getattr(record, "request", None)
        return not (request is not None and request.path.startswith(HEALTH_PATH))


class HideSecretsInPaths(logging.Filter):
    """django.request's lines ("Not Found: /my/invitations/<token>/") name the path as the access log does.

    A token or key in a path is replaced by "hidden", so no live secret reaches the logs.
    """

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and isinstance(record.args, tuple) and request.path in record.args:
            path = loggable_path(request)
            record.args = tuple(path if arg == request.path else arg for arg in record.args)
        return True
