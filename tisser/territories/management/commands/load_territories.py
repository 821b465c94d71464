"""`manage.py load_territories`: load the shipped régions, départements, EPCI and communes."""

import time

from django.core.management.base import BaseCommand

from tisser.territories import services


class Command(BaseCommand):
    help = (
        "Load the French régions, départements (with outlines), EPCI and communes (with "
        "centroids) shipped with Tisser. Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--departement",
            action="append",
            dest="departements",
            metavar="CODE",
            help="only the communes of this département (repeatable), e.g. --departement 59",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="also overwrite communes refreshed from the geo API with the shipped values",
        )

    def handle(self, *args, departements=None, force=False, **options):
        started = time.monotonic()
        report = services.load_reference_data(departements=departements, force=force)
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Territories loaded in {time.monotonic() - started:.1f} s")
        )
