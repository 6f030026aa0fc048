"""Recording heartbeats: one row per name, safe when two beats record at once."""

from datetime import timedelta
from functools import partial

import pytest
from django.utils import timezone

from operations import services
from operations.models import Heartbeat
from tests.support.concurrency import at_once, refusals


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
    beat = partial(services.record_heartbeat, name="beat", at=now)
    assert refusals(at_once(beat, beat)) == []  # a unique violation above all would be the failure
    assert Heartbeat.objects.count() == 1
