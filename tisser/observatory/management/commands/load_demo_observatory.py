"""`manage.py load_demo_observatory`: the observatory's demo data; twice changes nothing."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.core.console import ConsoleCommand, number
from tisser.territories.models import Commune

from ...demo.loader import load_demo_observatory


class Command(ConsoleCommand):
    help = "Load the observatory's demo (waste indicator, supplier profiles); idempotent."

    def handle(self, *args, verbosity=1, **options):
        if not Commune.objects.filter(departement_id="80").exists():
            raise CommandError(_("Load the territories first: manage.py load_territories"))
        result = load_demo_observatory()
        if not verbosity:
            return
        if written := result["values_written"] + result["supplier_profiles"]:
            self.stdout.write(
                ngettext(
                    "Demo observatory: %(count)s value or profile written.",
                    "Demo observatory: %(count)s values and profiles written.",
                    written,
                )
                % {"count": number(written)}
            )
        else:
            self.stdout.write(_("Demo observatory already loaded."))
