"""Celery tasks for retention: the monthly sweep from beat."""

from dataclasses import asdict

from celery import shared_task

from . import services


@shared_task
def apply_retention():
    """Monthly (beat): delete what the privacy notice says is not kept."""
    return asdict(services.apply_retention())
