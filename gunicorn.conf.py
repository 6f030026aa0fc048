"""gunicorn's settings (read from the working directory): its lines follow LOG_FORMAT, secrets hidden.

The access log is the portal's own (operations.middleware, through Django's
LOGGING, with the request id), so gunicorn's is off, in either format, unless
`--access-logfile` turns it on. Every line gunicorn writes, its access log
included, goes through operations.logs' logger class: in LOG_FORMAT, with
tokens and keys in URLs hidden.
"""

from pathlib import Path

import environ

env = environ.Env()
environ.Env.read_env(Path(__file__).resolve().parent / ".env")

logger_class = (
    "operations.logs.GunicornJsonLogger"
    if env("LOG_FORMAT", default="text") == "json"
    else "operations.logs.GunicornLogger"
)
