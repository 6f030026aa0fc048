"""Logging helpers: the formatters (LOG_FORMAT text or json), gunicorn's logger, and the filters.

Loaded by dictConfig from settings.LOGGING, by Celery workers and beat, and by
gunicorn before Django starts: nothing here may need Django's apps.

Both formatters hide secrets in URLs (operations.redaction) in every line they
write, whatever logger it comes from and wherever in the line the URL stands:
a message, an `extra` field, a traceback.
"""

import logging

from celery import current_task
from gunicorn.glogging import Logger as BaseGunicornLogger
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from .middleware import HEALTH_PATH
from .redaction import hide_secrets


class TextFormatter(logging.Formatter):
    """Python's own formatter (LOG_FORMAT=text), with secrets in URLs hidden."""

    def format(self, record):
        return hide_secrets(super().format(record))


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id, task_id and any `extra` fields.

    Secrets in URLs are hidden.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        # Django attaches the request to some records; its repr carries the query string.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)

    def format(self, record):
        return hide_secrets(super().format(record))


class GunicornLogger(BaseGunicornLogger):
    """gunicorn's lines (start-up, workers, errors, and its access log when turned on) with secrets hidden.

    gunicorn.conf.py names it (or GunicornJsonLogger) as `logger_class`, so a
    `--access-logfile` or `--access-logformat` on gunicorn's command line
    cannot write a token in a request line, a Referer or a Location either.
    """

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(self.formatter_for(handler.formatter))

    def formatter_for(self, formatter):
        """gunicorn's own format (its error, access and syslog lines each have one), secrets hidden."""
        return TextFormatter(formatter._fmt, formatter.datefmt)


class GunicornJsonLogger(GunicornLogger):
    """gunicorn's lines as JSON (LOG_FORMAT=json), like the portal's own, with secrets hidden."""

    def formatter_for(self, formatter):
        return JsonFormatter()


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


class HideSecrets(logging.Filter):
    """Hide secrets in the record itself, for Django's loggers that name a path ("Not Found: /my/...").

    The formatters already hide them in what they write; this is for whatever
    else reads the record: Sentry's breadcrumbs, a test's caplog.
    """

    def filter(self, record):
        message = record.getMessage()
        hidden = hide_secrets(message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True
