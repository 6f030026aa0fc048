"""The access log (one line per request, carrying the request id), and the headers every response carries."""

import logging
import time

from .redaction import hide_secrets

logger = logging.getLogger("operations.access")

# Where operations.urls is mounted; settings.SECURE_REDIRECT_EXEMPT names it too.
HEALTH_PATH = "/health/"


def access_log_middleware(get_response):
    def middleware(request):
        started = time.monotonic()
        response = get_response(request)
        # Probes come every few seconds and are not visitors; a failing one logs its own line.
        if request.path.startswith(HEALTH_PATH):
            return response
        path = loggable_path(request)
        duration_ms = round((time.monotonic() - started) * 1000)
        logger.info(
            "%s %s %s %sms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response

    return middleware


def loggable_path(request):
    """The path without its query string, and with any secrets in it (operations.redaction) hidden."""
    return hide_secrets(request.path)


# Signed-in people's own pages, the team's pages and their exports: never kept by a browser or a cache.
PRIVATE_PATHS = ("/my/", "/team/")


def policy_headers_middleware(get_response):
    """Cache-Control: no-store, private on signed-in pages (Permissions-Policy: django-permissions-policy)."""

    def middleware(request):
        response = get_response(request)
        if is_private(request):
            response.headers["Cache-Control"] = "no-store, private"
        return response

    return middleware


def is_private(request):
    if request.path.startswith(PRIVATE_PATHS):
        return True
    # Read after the response, so it adds no Vary: Cookie; static files never had a user.
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)
