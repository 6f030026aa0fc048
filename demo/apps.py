"""The demo app: its seed, its logins, and the check that keeps them out of production."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demo data"

    def ready(self):
        from . import checks  # noqa: F401 - registers the check
