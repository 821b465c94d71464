"""`manage.py import_sirene UNITS.csv ESTABLISHMENTS.csv --territory dep-80 [--naf 38,88]`."""

from django.core.management.base import BaseCommand, CommandError

from ...models import SireneImport
from ...sirene.running import communes_of, run_sirene_import


class Command(BaseCommand):
    help = "Import the ESS organisations of a territory from the Sirene stock files."

    def add_arguments(self, parser):
        parser.add_argument("units", help="StockUniteLegale CSV (or zip)")
        parser.add_argument("establishments", help="StockEtablissement CSV (or zip)")
        parser.add_argument("--territory", required=True, help="dep-80, reg-32, epci-…, INSEE")
        parser.add_argument("--naf", default="", help="NAF prefixes, comma-separated")
        parser.add_argument("--publish", action="store_true", help="publish new entries")

    def handle(self, *args, units, establishments, territory, naf, publish, **options):
        if not communes_of(territory):
            raise CommandError(f"Unknown territory {territory!r}.")
        job = SireneImport.objects.create(
            units_path=units,
            establishments_path=establishments,
            territory=territory,
            naf_prefixes=naf,
            publish=publish,
        )
        job = run_sirene_import(job.pk)
        if job.status != SireneImport.Status.DONE:
            raise CommandError(job.message)
        report = {k: v for k, v in job.report.items() if k != "lines"}
        self.stdout.write(f"Sirene import done: {report}")
