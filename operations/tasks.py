"""Celery tasks for operations: the heartbeat beat sends every minute."""

import logging

from celery import shared_task
from django.utils import timezone

from . import services
from .models import BEAT

logger = logging.getLogger(__name__)


@shared_task
def record_heartbeat():
    services.record_heartbeat(name=BEAT, at=timezone.now())
    logger.debug("Recorded the %s heartbeat", BEAT)
