"""Recording heartbeats: one row per name, safe when two beats record at once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from operations import services
from operations.models import Heartbeat


def test_recording_a_heartbeat_again_moves_it_on_instead_of_adding_a_row(db):
    earlier = timezone.now() - timedelta(minutes=1)
    services.record_heartbeat(name="beat", at=earlier)
    services.record_heartbeat(name="beat", at=earlier + timedelta(minutes=1))

    assert Heartbeat.objects.count() == 1
    assert Heartbeat.objects.last_beat_at("beat") == earlier + timedelta(minutes=1)


def test_a_heartbeat_never_recorded_has_no_time(db):
    assert Heartbeat.objects.last_beat_at("beat") is None


@pytest.mark.django_db(transaction=True)
def test_two_beats_recording_at_the_same_moment_both_succeed_and_leave_one_row():
    now = timezone.now()
    start = threading.Barrier(2)
    errors = []

    def beat():
        try:
            start.wait()
            services.record_heartbeat(name="beat", at=now)
        except Exception as error:  # any error (a unique violation above all) is the failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Heartbeat.objects.count() == 1
