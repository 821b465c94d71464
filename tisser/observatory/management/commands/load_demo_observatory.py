"""`manage.py load_demo_observatory`: the observatory's demo data; twice changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from tisser.territories.models import Commune

from ...demo.loader import load_demo_observatory


class Command(BaseCommand):
    help = "Load the observatory's demo (waste indicator, supplier profiles); idempotent."

    def handle(self, *args, **options):
        if not Commune.objects.filter(departement_id="80").exists():
            raise CommandError("Load the territories first: manage.py load_territories")
        result = load_demo_observatory()
        self.stdout.write(
            f"Observatory demo: {result['values_written']} indicator values written "
            f"({result['communes']} communes), {result['supplier_profiles']} supplier profiles."
        )
