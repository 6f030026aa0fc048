"""Render the public directory now, as the Celery task and the nightly schedule do."""

import time

from django.core.management.base import BaseCommand

from organisations import services


class Command(BaseCommand):
    help = "Render the public directory of partners and its open-data files now."

    def handle(self, *args, **options):
        started = time.perf_counter()
        snapshot = services.render_directory()
        self.stdout.write(
            self.style.SUCCESS(
                f"Rendered the directory: {snapshot.partner_count} partners "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
