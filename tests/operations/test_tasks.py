"""The heartbeats: beat's, run by a real worker from the queue; the worker's, written by the worker itself."""

from celery import signals

from operations.models import BEAT, WORKER, Heartbeat
from operations.tasks import record_heartbeat
from pledge_portal.celery import app as celery_app
from tests.support.waiting import wait_for


def test_the_worker_records_the_heartbeat_beat_queues(celery_worker):
    record_heartbeat.delay()

    assert wait_for(lambda: Heartbeat.objects.last_beat_at(BEAT) is not None)


def test_beat_queues_the_heartbeat_every_minute_and_a_late_one_expires():
    [entry] = [e for e in celery_app.conf.beat_schedule.values() if e["task"] == record_heartbeat.name]
    assert entry["schedule"] == 60
    assert entry["options"] == {"expires": 60}


def test_a_beat_that_starts_sends_a_heartbeat_at_once(celery_worker):
    signals.beat_init.send(sender=None)

    assert wait_for(lambda: Heartbeat.objects.last_beat_at(BEAT) is not None)


def test_a_worker_records_its_own_heartbeat_as_its_consumer_starts_with_no_task_queued(celery_worker):
    assert wait_for(lambda: Heartbeat.objects.last_beat_at(WORKER) is not None)
