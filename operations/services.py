"""Writes for operations: recording heartbeats."""

from .models import Heartbeat


def record_heartbeat(*, name, at):
    """Set heartbeat `name` to `at` in one upsert, so two beats running at once cannot collide."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=name, beat_at=at)],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["beat_at"],
    )
