"""LOG_FORMAT=json: one JSON object per line, carrying the request id, the task id and any `extra` fields."""

import io
import json
import logging
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from operations.logs import JsonFormatter, TextFormatter
from outbox.models import OutboxEmail
from tests.factories import PledgeFactory
from tests.support.requests import heartbeat_queued_by_request
from tests.support.waiting import wait_for


@pytest.fixture
def json_lines():
    """The console handler settings.LOGGING configured, switched to JSON and read back as parsed lines."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous_formatter, previous_stream = handler.formatter, handler.setStream(stream)
    handler.setFormatter(JsonFormatter())
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        handler.setFormatter(previous_formatter)
        handler.setStream(previous_stream)


@pytest.fixture
def debug_logging():
    logger = logging.getLogger("operations")
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    yield
    logger.setLevel(previous)


def lines_from(lines, logger):
    return [line for line in lines if line["logger"] == logger]


def test_a_request_logs_a_json_line_carrying_the_request_id_it_was_given(client, db, json_lines):
    request_id = uuid.uuid4().hex

    response = client.get("/partners/open-data/?email=someone@example.org", HTTP_X_REQUEST_ID=request_id)

    assert response["X-Request-ID"] == request_id
    [access] = lines_from(json_lines(), "operations.access")
    assert access | {"time": "", "duration_ms": 0} == {
        "level": "INFO",
        "logger": "operations.access",
        "message": f"GET /partners/open-data/ 200 {access['duration_ms']}ms",
        "method": "GET",
        "path": "/partners/open-data/",
        "status": 200,
        "duration_ms": 0,
        "request_id": request_id,
        "task_id": None,
        "time": "",
    }


def test_a_request_without_an_id_is_given_one_and_logs_it(client, db, json_lines):
    response = client.get("/partners/open-data/", HTTP_X_REQUEST_ID="not a uuid")

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32 and request_id != "not a uuid"
    assert lines_from(json_lines(), "operations.access")[0]["request_id"] == request_id


def test_extra_fields_and_tracebacks_stay_on_one_json_line(json_lines):
    logger = logging.getLogger("pledges.services")
    logger.info("Sent outbox email %s", 42, extra={"outbox_email": 42, "message_id": "<42.1@pledge.example>"})
    try:
        raise ValueError("SMTP said no")
    except ValueError:
        logger.exception("Could not send outbox email %s", 43, extra={"outbox_email": 43})

    sent, failed = json_lines()
    assert (sent["message"], sent["outbox_email"], sent["message_id"]) == (
        "Sent outbox email 42",
        42,
        "<42.1@pledge.example>",
    )
    assert failed["outbox_email"] == 43
    assert failed["level"] == "ERROR"
    assert "ValueError: SMTP said no" in failed["exc_info"]


def test_a_task_run_with_a_correlation_id_logs_it_with_its_task_id(celery_worker, json_lines, debug_logging):
    request_id = uuid.uuid4().hex
    task_id = heartbeat_queued_by_request(request_id)

    assert wait_for(lambda: lines_from(json_lines(), "operations.tasks"))
    [recorded] = lines_from(json_lines(), "operations.tasks")
    assert (recorded["message"], recorded["request_id"], recorded["task_id"]) == (
        "Recorded the beat heartbeat",
        request_id,
        task_id,
    )
    [received] = [line for line in json_lines() if line["message"].endswith(f"[{task_id}] received")]
    assert received["task_id"] == task_id


def test_the_tasks_a_request_queues_log_that_requests_id(
    celery_worker, json_lines, client, programme_team_member
):
    pledge = PledgeFactory(submitted=True)
    client.force_login(programme_team_member)
    request_id = uuid.uuid4().hex

    client.post(reverse("team:approve", args=[pledge.pk]), HTTP_X_REQUEST_ID=request_id)

    def finished_tasks():
        return {
            line["data"]["name"]: line["task_id"]
            for line in lines_from(json_lines(), "celery.app.trace")
            if line["request_id"] == request_id and "succeeded" in line["message"]
        }

    assert wait_for(
        lambda: (
            {"outbox.tasks.send_email", "directory.tasks.build_requested_directory"} <= set(finished_tasks())
        )
    )
    assert all(finished_tasks().values())
    assert not OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).exists()
    assert lines_from(json_lines(), "operations.access")[0]["request_id"] == request_id


def test_djangos_request_warnings_hide_a_token_in_the_path(client, user, caplog):
    client.force_login(user)
    caplog.set_level(logging.WARNING, logger="django.request")
    client.put("/my/invitations/live-secret-token/")  # 405: Django logs the path
    lines = [record.getMessage() for record in caplog.records if record.name == "django.request"]
    assert lines
    assert all("live-secret-token" not in line for line in lines)
    assert any("/my/invitations/hidden/" in line for line in lines)


TOKEN = "Zm9vYmFyLXNlY3JldC10b2tlbi1mb3ItbG9ncw"


@pytest.fixture(params=["text", "json"])
def console_output(request):
    """What the console handler settings.LOGGING configured writes, in each LOG_FORMAT."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    formatter = (
        JsonFormatter() if request.param == "json" else TextFormatter("%(levelname)s %(name)s %(message)s")
    )
    previous_formatter, previous_stream = handler.formatter, handler.setStream(stream)
    handler.setFormatter(formatter)
    try:
        yield stream.getvalue
    finally:
        handler.setFormatter(previous_formatter)
        handler.setStream(previous_stream)


def test_no_logger_writes_a_token_in_a_message_an_extra_field_or_a_traceback(console_output):
    logging.getLogger("django.server").warning('"GET /my/invitations/%s HTTP/1.1" 301 0', TOKEN)
    logging.getLogger("django.security.csrf").warning(
        "Forbidden (CSRF cookie not set.): /my/invitations/%s/", TOKEN
    )
    logging.getLogger("pledges").info(
        "Followed a link", extra={"link": f"https://x.example/my/invitations/{TOKEN}"}
    )
    try:
        raise ValueError(f"No invitation at /my/invitations/{TOKEN}/.")
    except ValueError:
        logging.getLogger("organisations").exception("Could not show the invitation")

    output = console_output()
    assert TOKEN not in output
    # The message of each line and the traceback's (JSON writes the extra field, and the exception twice).
    assert output.count("/my/invitations/hidden") >= 4


def test_the_records_of_djangos_loggers_that_name_a_path_hide_its_secrets(db, caplog):
    # Read by whatever else takes the records (Sentry's breadcrumbs), not only by the console's formatter.
    caplog.set_level(logging.INFO)
    Client(enforce_csrf_checks=True).post(f"/my/invitations/{TOKEN}/", {})  # refused: no CSRF token
    Client().get(f"/my/invitations/{TOKEN}/.")  # not found
    records = [r for r in caplog.records if r.name in ("django.security.csrf", "django.request")]
    assert {r.name for r in records} == {"django.security.csrf", "django.request"}
    assert all(TOKEN not in r.getMessage() and "/my/invitations/hidden" in r.getMessage() for r in records)
