"""Error reports sent to a real HTTP server standing in for Sentry: the error goes, personal data does not."""

import gzip
import http.cookies
import json
import logging
import threading
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from operations.sentry import init_sentry
from tests.factories import UserFactory

PERSONAL_EMAIL = "jo.bloggs@example.org"
PERSONAL_TEXT = "I look after my brother since our mother died"
COOKIE_VALUE = "remembered-choice-for-jo"


@csrf_exempt
def failing_view(request):
    # Read the body and the user, as a real view would, so they are there to leak.
    story = request.POST["story"]
    if request.user.is_authenticated and story:
        raise ValueError("The pledge could not be saved")
    return HttpResponse()


def failing_invitation_view(request, token):
    # A line logged first is kept as a breadcrumb; the exception's message names the path too.
    logging.getLogger("organisations").warning("Looking up the invitation at %s", request.path)
    raise ValueError(f"No invitation at {request.get_full_path()}")


urlpatterns = [path("fail/", failing_view), path("my/invitations/<str:token>/fail/", failing_invitation_view)]


class SentryIngest(BaseHTTPRequestHandler):
    """Accepts envelopes as Sentry's ingest endpoint does, keeping each one's decompressed bytes."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.server.envelopes.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SentryIngest)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def sentry_sending_to(server, *, traces_sample_rate):
    init_sentry(
        dsn=f"http://public@127.0.0.1:{server.server_port}/1",
        environment="test",
        traces_sample_rate=traces_sample_rate,
    )
    yield server
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)  # back to no client: nothing is sent


@pytest.fixture
def sentry(sentry_server):
    yield from sentry_sending_to(sentry_server, traces_sample_rate=0.0)


@pytest.fixture
def sentry_tracing(sentry_server):
    """Sentry with every request traced: each sends a transaction, with its name, URL and spans."""
    yield from sentry_sending_to(sentry_server, traces_sample_rate=1.0)


def events(envelopes, kind="event"):
    """The error events (or transactions) in the envelopes: a header line, then item headers and payloads."""
    found = []
    for _, body in envelopes:
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == kind:
                found.append(json.loads(payload))
    return found


@pytest.mark.urls(__name__)
@pytest.mark.filterwarnings("ignore:The send_default_pii option is deprecated:DeprecationWarning")
def test_an_error_reaches_sentry_without_the_body_the_cookies_or_the_users_email(sentry, live_server, client):
    user = UserFactory(email=PERSONAL_EMAIL)
    client.force_login(user)
    cookies = http.cookies.SimpleCookie()
    cookies["sessionid"] = client.cookies["sessionid"].value
    cookies["choice"] = COOKIE_VALUE
    request_id = uuid.uuid4().hex
    request = urllib.request.Request(  # noqa: S310 - the live test server, over http
        f"{live_server.url}/fail/?email={PERSONAL_EMAIL}&page=2",
        data=f"email={PERSONAL_EMAIL}&story={PERSONAL_TEXT}".encode(),
        headers={
            "Cookie": cookies.output(header="", sep=";").strip(),
            "X-Request-ID": request_id,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )

    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(request, timeout=30)  # noqa: S310
    assert failed.value.code == 500
    sentry_sdk.flush(timeout=10)

    [event] = events(sentry.envelopes)
    [exception] = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("ValueError", "The pledge could not be saved")
    assert event["environment"] == "test"
    assert event["tags"]["request_id"] == request_id
    assert event["request"]["query_string"] == "email=%5BFiltered%5D&page=%5BFiltered%5D"
    assert "data" not in event["request"]
    assert "cookies" not in event["request"]
    raw = b"".join(body for _, body in sentry.envelopes).decode()
    for personal in (PERSONAL_EMAIL, PERSONAL_EMAIL.replace("@", "%40"), "brother", COOKIE_VALUE):
        assert personal not in raw
    assert client.cookies["sessionid"].value not in raw
    assert sentry.envelopes[0][0] == "/api/1/envelope/"


@pytest.mark.filterwarnings("ignore:The send_default_pii option is deprecated:DeprecationWarning")
def test_an_error_in_a_task_is_reported_with_its_task_id(sentry, db):
    from celery import shared_task

    @shared_task(name="tests.operations.failing_task")
    def failing_task():
        raise RuntimeError("The task failed")

    result = failing_task.apply()
    sentry_sdk.flush(timeout=10)

    [event] = events(sentry.envelopes)
    assert event["exception"]["values"][0]["type"] == "RuntimeError"
    assert event["tags"]["task_id"] == result.id


def test_without_a_dsn_nothing_is_sent(sentry_server):
    assert not sentry_sdk.get_client().is_active()


TOKEN = "Zm9vYmFyLXNlY3JldC10b2tlbi1mb3Itc2VudHJ5"


@pytest.mark.urls(__name__)
@pytest.mark.filterwarnings("ignore:The send_default_pii option is deprecated:DeprecationWarning")
def test_a_token_in_a_path_reaches_sentry_hidden_in_errors_breadcrumbs_and_transactions(
    sentry_tracing, live_server, db
):
    def get(path, **headers):
        request = urllib.request.Request(f"{live_server.url}{path}", headers=headers)  # noqa: S310
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(request, timeout=30)  # noqa: S310
        return failed.value.code

    referer = f"https://pledge.example.org/my/invitations/{TOKEN}/"
    assert get(f"/my/invitations/{TOKEN}/fail/?next=/my/invitations/{TOKEN}/", Referer=referer) == 500
    sentry_sdk.flush(timeout=10)

    # Every segment under the prefix is hidden, "fail" too.
    [event] = events(sentry_tracing.envelopes)
    assert event["request"]["url"].endswith("/my/invitations/hidden/hidden/")
    assert event["request"]["headers"]["Referer"] == "https://pledge.example.org/my/invitations/hidden/"
    assert event["exception"]["values"][0]["value"] == (
        "No invitation at /my/invitations/hidden/hidden/?next=/my/invitations/hidden/"
    )
    assert "Looking up the invitation at /my/invitations/hidden/hidden/" in [
        crumb.get("message") for crumb in event["breadcrumbs"]["values"]
    ]
    [transaction] = events(sentry_tracing.envelopes, "transaction")
    assert transaction["request"]["url"].endswith("/my/invitations/hidden/hidden/")
    raw = b"".join(body for _, body in sentry_tracing.envelopes).decode()
    assert TOKEN not in raw
