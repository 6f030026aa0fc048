"""Build the public directory now, as the Celery task and the nightly schedule do."""

import time

from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from directory import services


class Command(BaseCommand):
    help = "Build the public directory of partners and its open-data files now."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = services.build_directory().partner_count
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Built the directory: {count} partner{pluralize(count)} in {seconds:.1f} s.")
        )
