"""Two beats against one broker (one too many started by mistake): the scheduled work stays safe."""

import json
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from directory import open_data
from directory.models import DirectorySnapshot
from outbox.models import OutboxEmail
from pledge_portal.celery import enqueue
from tests.factories import OutboxEmailFactory, bulk_directory_partners
from tests.support.waiting import wait_for

SWEEP = r"Sending due task send-queued-emails"


@pytest.fixture(scope="module")
def worker_and_two_beats(portal_processes, production_env):
    env = {
        **production_env,
        "OUTBOX_SWEEP_SECONDS": "1",
        # Every sweep, from either beat, hands out again each email still waiting for a worker:
        # duplicate tasks are certain, and only the worker's claim can stop a duplicate email.
        "OUTBOX_RETRY_AFTER_SECONDS": "0",
    }
    # Two pool processes, so duplicate tasks and the two builds run side by side on any machine.
    worker = portal_processes.worker(env, concurrency=2)
    beats = [portal_processes.beat(env), portal_processes.beat(env)]
    portal_processes.wait_until_ready()
    return worker, beats


def test_with_two_beats_sweeping_every_second_each_email_reaches_the_smtp_server_once(
    transactional_db, worker_and_two_beats, process_smtp_server
):
    worker, beats = worker_and_two_beats
    worker_log, beat_logs = worker.log_size(), [beat.log_size() for beat in beats]
    # A slow SMTP server keeps emails waiting through several sweeps from both beats.
    process_smtp_server.handler.stall_seconds = 0.3
    try:
        emails = OutboxEmailFactory.create_batch(10, next_attempt_at=timezone.now() - timedelta(minutes=1))
        sent = OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT)
        assert wait_for(lambda: sent.count() == len(emails), timeout=60)
    finally:
        process_smtp_server.handler.stall_seconds = 0

    message_ids = {email.message_id for email in emails}
    received = [message["Message-ID"] for message in process_smtp_server.received]
    assert Counter(m for m in received if m in message_ids) == Counter(message_ids)
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {(OutboxEmail.Status.SENT, 1)}
    # Both beats really swept, and the worker really was handed the same emails more than once.
    for beat, since in zip(beats, beat_logs, strict=True):
        beat.wait_for_log(SWEEP, since=since, count=2)
    send_tasks = worker.log(worker_log).count("Task outbox.tasks.send_email[")
    assert send_tasks > 2 * len(emails)  # each task logs "received" and "succeeded"


def test_two_directory_builds_at_once_leave_one_complete_current_snapshot(
    transactional_db, worker_and_two_beats, broker_up
):
    worker, _ = worker_and_two_beats
    partners = 300
    bulk_directory_partners(partners)
    since = worker.log_size()

    assert enqueue("directory.tasks.build_directory", (), ()) == 2
    worker.wait_for_log(r"build_directory\[\S+\] succeeded", since=since, count=2, timeout=60)

    first, second = DirectorySnapshot.objects.order_by("data_as_of")
    # Enqueued at once, they take turns (a build holds the directory's lock): the second reads later.
    assert second.data_as_of >= first.built_at
    current = DirectorySnapshot.objects.current()
    assert current == second
    assert current.partner_count == partners
    assert current.entries.count() == partners
    with open_data.open_file(current, open_data.PARTNERS_JSON) as written:
        assert json.loads(written.read())["count"] == partners
    assert first.entries.count() == partners  # the one superseded is whole too, for requests still reading it
