"""Writes for operations: recording heartbeats."""

import datetime

from .models import Heartbeat


def record_heartbeat(*, name: str, at: datetime.datetime) -> None:
    """Set heartbeat `name` to `at` in one upsert, so two beats running at once cannot collide."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=name, beat_at=at)],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["beat_at"],
    )
