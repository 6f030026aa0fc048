"""The Celery app: configured from Django settings (CELERY_*), tasks autodiscovered."""

import logging.config
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledge_portal.settings")

app = Celery("pledge_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_django_logging(**kwargs):
    """Workers and beat log exactly as the web does (LOG_FORMAT, LOG_LEVEL), not with Celery's own handlers.

    Connected here, where `celery -A pledge_portal` starts, so it is in place
    before Celery sets up logging in every process type.
    """
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
