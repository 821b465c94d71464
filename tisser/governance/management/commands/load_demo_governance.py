"""`manage.py load_demo_governance`: the demo's assemblies, election and working groups
(after `load_demo` and `load_demo_memberships`); twice changes nothing."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from tisser.core.console import ConsoleCommand
from tisser.directory.models import Organisation
from tisser.governance.demo import load_demo_governance


class Command(ConsoleCommand):
    help = "Load the demo governance: the AGs of 2025 and 2026, the election, working groups."

    def handle(self, *args, verbosity=1, **options):
        if not Organisation.objects.filter(slug="coop-manau").exists():
            raise CommandError(_("The demo network is not loaded: run manage.py load_demo first."))
        done = load_demo_governance()
        if not done["members"]:
            raise CommandError(
                _("No member in good standing in 2025: run manage.py load_demo_memberships first.")
            )
        if not verbosity:
            return
        if done["assemblies"] or done["groups"]:
            self.stdout.write(_("Demo assemblies and working groups added."))
        else:
            self.stdout.write(_("Demo assemblies and working groups already loaded."))
