"""`manage.py load_demo_memberships`: the demo's memberships (after `load_demo`); twice
changes nothing."""

from django.core.management.base import BaseCommand

from tisser.memberships.demo import load_demo_memberships


class Command(BaseCommand):
    help = "Load the demo memberships: years, colleges, fees, members (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")

    def handle(self, *args, seed, **options):
        result = load_demo_memberships(seed=seed)
        if result["memberships"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo memberships: {result['memberships']} added for {result['members']} "
                    f"member organisations ({result['pending']} renewals pending)."
                )
            )
        else:
            self.stdout.write("Demo memberships already loaded: nothing to add.")
