"""`manage.py load_territories`: load the shipped régions, départements, EPCI and communes."""

from django.utils.translation import ngettext

from tisser.core.console import ConsoleCommand, number
from tisser.territories import services


class Command(ConsoleCommand):
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

    def handle(self, *args, departements=None, force=False, verbosity=1, **options):
        report = services.load_reference_data(departements=departements, force=force)
        if verbosity > 1:  # the details, for whoever asks (-v 2)
            for line in report.lines():
                self.stdout.write(line)
        if not verbosity:
            return
        communes = report.counts.get("communes")
        changed = sum(c.created + c.updated for c in report.counts.values())
        total = (communes.created + communes.updated + communes.unchanged) if communes else 0
        if changed:
            line = ngettext(
                "Territories loaded: %(communes)s commune.",
                "Territories loaded: %(communes)s communes.",
                total,
            )
        else:
            line = ngettext(
                "Territories already loaded (%(communes)s commune).",
                "Territories already loaded (%(communes)s communes).",
                total,
            )
        self.stdout.write(line % {"communes": number(total)})
