"""Celery tasks for operations: the heartbeat beat sends every minute."""

import logging

from celery import shared_task, signals
from django.utils import timezone

from . import services
from .models import BEAT

logger = logging.getLogger(__name__)


@shared_task
def record_heartbeat():
    services.record_heartbeat(name=BEAT, at=timezone.now())
    logger.debug("Recorded the %s heartbeat", BEAT)


@signals.beat_init.connect
def heartbeat_as_beat_starts(**kwargs):
    """A beat that has just started is alive now: say so at once, not a minute later."""
    record_heartbeat.delay()
