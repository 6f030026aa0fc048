"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from pledge_portal.startup import refuse_to_start_on_errors

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledge_portal.settings")
application = get_wsgi_application()
refuse_to_start_on_errors()
