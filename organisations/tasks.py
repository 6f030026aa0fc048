"""Celery tasks for organisations: rendering the public directory."""

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=3)
def render_directory(self):
    services.render_directory()
