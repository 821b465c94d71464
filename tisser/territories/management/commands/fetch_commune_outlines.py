"""`manage.py fetch_commune_outlines`: store commune outlines, from the geo API or a file."""

from django.core.management.base import BaseCommand, CommandError

from tisser.territories import services
from tisser.territories.http import GeoServiceError
from tisser.territories.models import Departement


class Command(BaseCommand):
    help = (
        "Download the outlines of a département's communes from the official geo API and "
        "store them, or read them from a local GeoJSON file (--file)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--departement",
            action="append",
            dest="departements",
            metavar="CODE",
            help="département code, e.g. 59 (repeatable; required without --file)",
        )
        parser.add_argument(
            "--file",
            metavar="PATH",
            help="a GeoJSON FeatureCollection of communes with properties.code (INSEE)",
        )

    def handle(self, *args, departements=None, file=None, **options):
        departements = departements or []
        if not departements and not file:
            raise CommandError("Give --departement CODE (geo API) or --file PATH.")
        unknown = sorted(
            set(departements) - set(Departement.objects.values_list("code", flat=True))
        )
        if unknown:
            raise CommandError(
                f"Unknown département {', '.join(unknown)}; run manage.py load_territories first."
            )
        if file:
            try:
                collection = services.read_outline_file(file)
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read {file}: {exc}") from exc
            for departement in departements or [None]:
                self._store(collection, departement, file)
            return
        for departement in departements:
            try:
                counts = services.fetch_commune_outlines(departement)
            except GeoServiceError as exc:
                raise CommandError(
                    f"The geo API could not be used: {exc}. Commune outlines need an internet "
                    "connection; --file PATH reads them from a local GeoJSON file."
                ) from exc
            self.stdout.write(self.style.SUCCESS(f"Département {departement}: {counts}"))

    def _store(self, collection, departement, source):
        try:
            counts = services.store_commune_outlines(collection, departement)
        except ValueError as exc:
            raise CommandError(f"{source}: {exc}") from exc
        where = f"département {departement}" if departement else "all départements"
        self.stdout.write(self.style.SUCCESS(f"{source} ({where}): {counts}"))
