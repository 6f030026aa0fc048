"""The Procfile's processes, run for real with LOG_FORMAT=json: every line they log is one JSON object."""

import json
import socket
import urllib.error
import urllib.request
import uuid

import pytest
from django_guid import clear_guid, set_guid

from conftest import REDIS_URL
from operations.tasks import record_heartbeat
from tests.support.procfile import database_url_of_the_test_run, procfile_command, running
from tests.support.waiting import wait_for

JSON_LOGS = {
    "LOG_FORMAT": "json",
    # Python's own warnings (a worker run as root is warned) are not log lines.
    "PYTHONWARNINGS": "ignore",
}


def parsed(lines):
    """Every line as JSON: fails, naming the line, on any that is not one JSON object."""
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"Not a JSON line: {line!r}")
    return records


def logged(output, text):
    return any(text in line for line in output.stderr)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_web_process_logs_json_with_the_request_id_and_no_access_log_of_gunicorns_own():
    port = free_port()
    env = {**JSON_LOGS, "PORT": str(port), "WEB_CONCURRENCY": "1"}
    request_id = uuid.uuid4().hex
    with running(procfile_command("web"), env=env) as output:
        assert wait_for(lambda: logged(output, "Booting worker"))
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/no-such-page/?email=jo@example.org",
            headers={"X-Request-ID": request_id},
        )

        def answered():
            try:
                urllib.request.urlopen(request, timeout=60)  # noqa: S310 - our own server, over http
            except urllib.error.HTTPError as error:
                return error.code == 404
            except (urllib.error.URLError, ConnectionError):
                return False  # not listening yet
            return False

        assert wait_for(answered, timeout=60)
        assert wait_for(lambda: logged(output, "operations.access"))

    records = parsed(output.stderr)
    assert output.stdout == []
    access = next(r for r in records if r["logger"] == "operations.access")
    assert (access["path"], access["status"], access["request_id"]) == ("/no-such-page/", 404, request_id)
    assert not [r for r in records if r["logger"] == "gunicorn.access"]
    assert "jo@example.org" not in "\n".join(output.stderr)


def test_the_worker_logs_json_and_each_tasks_lines_carry_its_task_id_and_request_id(
    transactional_db, broker_up
):
    with broker_up.connection_for_write() as connection:
        connection.default_channel.queue_purge(broker_up.conf.task_default_queue)
    env = {**JSON_LOGS, "CELERY_BROKER_URL": REDIS_URL, "DATABASE_URL": database_url_of_the_test_run()}
    request_id = uuid.uuid4().hex
    with running(procfile_command("worker"), env=env) as output:
        assert wait_for(lambda: logged(output, "ready."), timeout=60)
        set_guid(request_id)
        try:
            task_id = record_heartbeat.delay().id
        finally:
            clear_guid()
        assert wait_for(lambda: logged(output, f"[{task_id}] succeeded"), timeout=30)

    records = parsed(output.stderr)
    # --quiet: no banner. Celery prints (does not log) one notice as it stops.
    assert [line for line in output.stdout if line.strip()] == ["worker: Warm shutdown (MainProcess)"]
    task_lines = [r for r in records if task_id in r["message"]]
    assert [r["message"].rsplit("]", 1)[1].split()[0] for r in task_lines] == ["received", "succeeded"]
    assert all(r["task_id"] == task_id for r in task_lines)
    assert task_lines[-1]["request_id"] == request_id


def test_beat_logs_json(tmp_path):
    command = f"{procfile_command('beat')} --schedule {tmp_path / 'schedule'}"
    env = {**JSON_LOGS, "CELERY_BROKER_URL": REDIS_URL, "LOG_LEVEL": "DEBUG"}
    with running(command, env=env) as output:
        # Stopped only once its scheduler runs: stopped while starting, beat prints a traceback.
        assert wait_for(lambda: logged(output, "beat: Ticking with max interval"))

    records = parsed(output.stderr)
    assert output.stdout == []
    assert any(r["logger"] == "celery.beat" and r["message"] == "beat: Starting..." for r in records)
