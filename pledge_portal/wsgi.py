"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledge_portal.settings")
application = get_wsgi_application()

from pledges.email_checks import refuse_bad_addresses  # noqa: E402 - needs the apps loaded above

refuse_bad_addresses()
