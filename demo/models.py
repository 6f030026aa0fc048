"""Which accounts the demo seed made: only they take the demo password, and only in development."""

from django.conf import settings
from django.db import models


class DemoAccount(models.Model):
    """An account made by the demo seed. Its presence with DEBUG off stops the portal (demo.checks)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="demo_account"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Demo account {self.user}"
