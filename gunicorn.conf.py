"""gunicorn's settings (read from the working directory): its own lines follow LOG_FORMAT too.

The access log is the portal's own (operations.middleware, through Django's
LOGGING, with the request id), so gunicorn's is left off. What remains here is
gunicorn's start-up, worker and error lines.
"""

from pathlib import Path

import environ

env = environ.Env()
environ.Env.read_env(Path(__file__).resolve().parent / ".env")

if env("LOG_FORMAT", default="text") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "operations.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # Off, as without a log config: it would repeat the portal's access log, secrets in URLs included.
            "gunicorn.access": {"handlers": [], "propagate": False},
        },
    }
