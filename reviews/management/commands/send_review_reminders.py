"""Send the annual review reminders due today, as the daily Celery beat task does."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from reviews import reminders
from reviews.models import Reminder


class Command(BaseCommand):
    help = "Send every annual review reminder that is due and not sent yet. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many reminders would be sent; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        if dry_run:
            counts = reminders.reminders_due(on=today)
            verb = "Would send"
        else:
            counts = reminders.send_due_reminders(on=today)
            verb = "Sent"
        for kind, label in Reminder.Kind.choices:
            self.stdout.write(f"{label}: {verb.lower()} {counts[kind]}")
        if "lapsed" in counts:
            self.stdout.write(f"Pledges lapsed (LAPSE_AUTOMATICALLY is on): {counts['lapsed']}")
