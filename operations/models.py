"""What the health checks read that no other app records: when each periodic job last ran."""

from django.db import models

# The heartbeat beat schedules every minute; a worker records it, so it proves beat, broker and worker.
BEAT = "beat"
# Written by every worker itself while it consumes, so a stopped worker is told apart from a stopped beat.
WORKER = "worker"


class HeartbeatQuerySet(models.QuerySet):
    def last_beat_at(self, name):
        """When the heartbeat called `name` was last recorded, or None if never."""
        return self.filter(name=name).values_list("beat_at", flat=True).first()


class Heartbeat(models.Model):
    """The last time a periodic job ran: one row per job, overwritten each time."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    objects = HeartbeatQuerySet.as_manager()

    def __str__(self):
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
