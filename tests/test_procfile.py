"""The Procfile's processes with LOG_FORMAT=json: every line they log is one JSON object, with its ids."""

import json
import re
import uuid

import pytest

from tests.support.proxied_client import ProxiedClient
from tests.support.requests import heartbeat_queued_by_request

# Celery prints (does not log) one notice as a worker stops.
PRINTED_ON_STOP = re.compile(r"^worker: (Warm|Cold) shutdown")


@pytest.fixture(scope="module")
def json_env(production_env):
    # Python's own warnings (a worker run as root is warned) are not log lines.
    return {**production_env, "LOG_FORMAT": "json", "PYTHONWARNINGS": "ignore"}


def json_records(process):
    """Every line the process wrote, as JSON: fails, naming the line, on any that is not one JSON object."""
    records = []
    for line in process.log().splitlines():
        if not line.strip() or PRINTED_ON_STOP.match(line):
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"Not a JSON line from {process.name}: {line!r}")
    return records


def test_the_web_process_logs_json_with_the_request_id_and_no_access_log_of_gunicorns_own(
    transactional_db, portal_processes, json_env
):
    web = portal_processes.web(json_env, workers=1).wait_until_ready()
    request_id = uuid.uuid4().hex
    response = ProxiedClient(web.port).request(
        "GET", "/no-such-page/?email=jo@example.org", headers={"X-Request-ID": request_id}
    )
    assert response.status == 404
    web.wait_for_log(r"operations\.access")
    web.stop()

    records = json_records(web)
    access = next(r for r in records if r["logger"] == "operations.access")
    assert (access["path"], access["status"], access["request_id"]) == ("/no-such-page/", 404, request_id)
    assert not [r for r in records if r["logger"] == "gunicorn.access"]
    assert "jo@example.org" not in web.log()


def test_the_worker_logs_json_and_each_tasks_lines_carry_its_task_id_and_request_id(
    transactional_db, portal_processes, json_env, broker_up
):
    worker = portal_processes.worker(json_env).wait_until_ready()
    request_id = uuid.uuid4().hex
    task_id = heartbeat_queued_by_request(request_id)
    worker.wait_for_log(rf"\[{task_id}\] succeeded")
    worker.stop()

    task_lines = [r for r in json_records(worker) if task_id in r["message"]]
    assert [r["message"].rsplit("]", 1)[1].split()[0] for r in task_lines] == ["received", "succeeded"]
    assert all(r["task_id"] == task_id for r in task_lines)
    assert task_lines[-1]["request_id"] == request_id


def test_beat_logs_json(portal_processes, json_env):
    beat = portal_processes.beat({**json_env, "LOG_LEVEL": "DEBUG"})
    # Stopped only once its scheduler runs: stopped while starting, beat prints a traceback.
    beat.wait_for_log("beat: Ticking with max interval")
    beat.stop()

    records = json_records(beat)
    assert any(r["logger"] == "celery.beat" and r["message"] == "beat: Starting..." for r in records)
