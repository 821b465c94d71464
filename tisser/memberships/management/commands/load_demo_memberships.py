"""`manage.py load_demo_memberships`: the demo's memberships (after `load_demo`); twice
changes nothing."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.core.console import ConsoleCommand, number
from tisser.memberships.demo import load_demo_memberships


class Command(ConsoleCommand):
    help = "Load the demo memberships: years, colleges, fees, members (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")

    def handle(self, *args, seed, verbosity=1, **options):
        result = load_demo_memberships(seed=seed)
        if not verbosity:
            return
        if added := result["memberships"]:
            self.stdout.write(
                ngettext(
                    "Demo memberships: %(count)s membership added.",
                    "Demo memberships: %(count)s memberships added.",
                    added,
                )
                % {"count": number(added)}
            )
        else:
            self.stdout.write(_("Demo memberships already loaded."))
