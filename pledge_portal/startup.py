"""Refusing to start: web, worker and beat run the checks tagged here, as `check --deploy` does, and stop."""

from celery.loaders.app import AppLoader
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

# gunicorn and Celery run no system checks of their own: a check with this tag stops them too.
REFUSED_AT_START = "refused_at_start"


def refuse_to_start_on_errors():
    """Raise ImproperlyConfigured, naming each, if a check tagged REFUSED_AT_START fails (DEBUG off only)."""
    if settings.DEBUG:
        return
    messages = checks.run_checks(tags=[REFUSED_AT_START], include_deployment_checks=True)
    errors = [message for message in messages if message.is_serious() and not message.is_silenced()]
    if errors:
        raise ImproperlyConfigured("The portal will not start:\n" + "\n".join(str(error) for error in errors))


class CeleryLoader(AppLoader):
    """Celery's own loader, which also runs the refusal when a worker or beat starts.

    Celery's signal handlers cannot stop a worker (Celery logs what they raise
    and carries on); the loader's init runs in both, after Django is set up, and can.
    """

    def on_worker_init(self):
        super().on_worker_init()
        refuse_to_start_on_errors()
