"""Create realistic demo partners and pledges (idempotent)."""

import logging

from django.core.management.base import BaseCommand

from demo.seed import seed_demo
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Create about 30 demo partners with pledges in every status. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Only seed when there are no organisations yet."
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Organisation.objects.exists():
            self.stdout.write("Organisations already exist; demo data not loaded.")
            return
        # The services log each email and task; for a few hundred of them at once that drowns `make run`.
        logging.disable(logging.INFO)
        try:
            created = seed_demo()
        finally:
            logging.disable(logging.NOTSET)
        self.stdout.write(self.style.SUCCESS(f"Created {created} demo partners."))
