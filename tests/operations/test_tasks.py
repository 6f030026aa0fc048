"""The heartbeat task, run by a real worker from the real Redis broker."""

from operations.models import BEAT, Heartbeat
from operations.tasks import record_heartbeat
from tests.support.waiting import wait_for


def test_the_worker_records_the_heartbeat_beat_queues(celery_worker):
    record_heartbeat.delay()

    assert wait_for(lambda: Heartbeat.objects.last_beat_at(BEAT) is not None)
