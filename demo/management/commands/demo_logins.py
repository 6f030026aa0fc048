"""Print the demo's named logins and their password (what `make run` shows as it starts serving)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.logins import DEMO_PASSWORD, listed_logins


class Command(BaseCommand):
    help = "Print the demo accounts a newcomer can sign in as, and the demo password (development only)."

    def handle(self, *args, **options):
        logins = listed_logins()
        if not logins:
            self.stdout.write(
                "No demo accounts in this database: `manage.py seed_demo` on an empty one adds them."
            )
            return
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: the demo accounts cannot sign in.")
            return
        width = max(len(email) for _, email in logins)
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD!r}, while DEBUG is on):")
        for role, email in logins:
            self.stdout.write(f"  {email:<{width}}  {role}")
