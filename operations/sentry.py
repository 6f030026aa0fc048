"""Error reports to Sentry (on when SENTRY_DSN is set): no personal data, request bodies or URL secrets."""

from urllib.parse import parse_qsl, urlencode

import sentry_sdk
from django_guid import get_guid
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from .logs import current_task_id
from .redaction import hide_secrets_in

FILTERED = "[Filtered]"
PRIVATE_HEADERS = {"cookie", "authorization", "x-forwarded-for", "x-real-ip"}


def init_sentry(*, dsn, environment, traces_sample_rate):
    """Send errors from the web, the workers and beat to Sentry at `dsn`."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        # Bodies carry what people typed: pledges, names, email addresses.
        max_request_body_size="never",
        # A frame's local variables can hold the same (a form's cleaned_data, a User).
        include_local_variables=False,
        before_send=scrub_event,
        # A performance trace carries the request, as an error does.
        before_send_transaction=scrub_event,
        # A logged "Not Found: /my/invitations/<token>/", kept to go with a later error.
        before_breadcrumb=scrub_breadcrumb,
    )


def scrub_event(event, hint):
    """Drop the request's body and cookies, blank query string values, and tag the request and task ids.

    Secrets in URLs are hidden in every string: the request's URL and Referer,
    the transaction's name, messages, breadcrumbs, spans, exceptions.
    """
    request = event.get("request")
    if request:
        request.pop("data", None)
        request.pop("cookies", None)
        if request.get("query_string"):
            request["query_string"] = urlencode(
                [(name, FILTERED) for name, _ in parse_qsl(request["query_string"], keep_blank_values=True)]
            )
        if isinstance(request.get("headers"), dict):
            request["headers"] = {
                name: FILTERED if name.lower() in PRIVATE_HEADERS else value
                for name, value in request["headers"].items()
            }
    tags = event.setdefault("tags", {})
    if request_id := get_guid():
        tags["request_id"] = request_id
    if task_id := current_task_id():
        tags["task_id"] = task_id
    return hide_secrets_in(event)


def scrub_breadcrumb(breadcrumb, hint):
    return hide_secrets_in(breadcrumb)
