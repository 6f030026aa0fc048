"""Signing in to the demo seed's accounts with the demo password, while DEBUG is on and never otherwise."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.utils.crypto import constant_time_compare

from demo.logins import DEMO_PASSWORD


class DemoAccountBackend(BaseBackend):
    """Nothing is stored: the password is known to everyone, so it must stop working with DEBUG off.

    A session begun here ends, too, once DEBUG is off (get_user finds nobody).
    """

    def authenticate(self, request, email=None, password=None, **kwargs):
        if not settings.DEBUG or not email or password is None:
            return None
        if not constant_time_compare(password, DEMO_PASSWORD):
            return None
        return self._demo_users().filter(email__iexact=email).first()

    def get_user(self, user_id):
        if not settings.DEBUG:
            return None
        return self._demo_users().filter(pk=user_id).first()

    def _demo_users(self):
        return get_user_model().objects.filter(demo_account__isnull=False, is_active=True)
