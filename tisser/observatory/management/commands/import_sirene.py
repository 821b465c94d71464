"""`manage.py import_sirene UNITS.csv ESTABLISHMENTS.csv --territory dep-80 [--naf 38,88]`.

The same job as the staff page's, on the import engine, checked then run here without
waiting for a worker (the tasks queued meanwhile find it done and do nothing)."""

import time

from django.core.management.base import BaseCommand, CommandError

from tisser.core.imports import engine

from ...sirene.running import communes_of, start_sirene_import


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
        job = start_sirene_import(units, establishments, territory, naf, publish=publish)
        job = engine.check_job(job.pk) or _finished(job)
        if job.status == job.Status.CHECKED:
            engine.confirm(job)
            job = engine.run_job(job.pk) or _finished(job)
        if job.status != job.Status.DONE:
            raise CommandError(job.message or ", ".join(str(e) for e in job.errors[:10]))
        self.stdout.write(f"Sirene import done: {job.counts}")


def _finished(job):
    """A worker took the step first: wait until it is through with it."""
    job.refresh_from_db()
    while job.in_progress:
        time.sleep(1)
        job.refresh_from_db()
    return job
