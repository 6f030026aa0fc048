"""Delete what the privacy notice says is not kept, as the monthly Celery beat task does."""

from django.core.management.base import BaseCommand

from privacy import services


class Command(BaseCommand):
    help = (
        "Delete never-verified accounts, drafts never submitted, and the text of old sent emails, "
        "by the RETENTION_* settings. Safe to run again."
    )

    def handle(self, *args, **options):
        result = services.apply_retention()
        self.stdout.write(f"Never-verified accounts deleted: {result.unverified_accounts}")
        self.stdout.write(f"Drafts never submitted deleted: {result.abandoned_drafts}")
        self.stdout.write(f"Sent emails whose text was removed: {result.email_bodies}")
