"""`manage.py refresh_territories`: refresh territories from the official geo API (online)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tisser.territories import services
from tisser.territories.http import GeoServiceError


class Command(BaseCommand):
    help = (
        "Refresh régions, départements, EPCI and communes (centre, population, postcodes, "
        "EPCI) from the official geo API (TISSER_GEO_API_URL). Needs an internet connection."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        self.stdout.write(f"Asking {settings.TISSER_GEO_API_URL or '(no URL)'}…")
        try:
            report = services.refresh_from_geo_api()
        except GeoServiceError as exc:
            raise CommandError(
                f"The geo API could not be used: {exc}. Nothing was changed; the shipped "
                "data stays in place (manage.py load_territories)."
            ) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Territories refreshed in {time.monotonic() - started:.1f} s")
        )
