"""`manage.py load_demo_governance`: the demo's assemblies, election and working groups
(after `load_demo` and `load_demo_memberships`); twice changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from tisser.directory.models import Organisation
from tisser.governance.demo import load_demo_governance


class Command(BaseCommand):
    help = "Load the demo governance: the AG of 2026, its election, working groups (idempotent)."

    def handle(self, *args, **options):
        if not Organisation.objects.filter(slug="coop-manau").exists():
            raise CommandError("Load the demo network first: manage.py load_demo")
        done = load_demo_governance()
        if done["assemblies"] or done["groups"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo governance: {done['assemblies']} assemblies, "
                    f"{done['groups']} working groups added."
                )
            )
        else:
            self.stdout.write("Demo governance already loaded: nothing to add.")
