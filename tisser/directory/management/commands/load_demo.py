"""`manage.py load_demo [--size N] [--seed S]`: load the demo network; twice changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tisser.directory.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    ROLE_LABELS,
    TerritoriesMissing,
    build_demo_network,
)


class Command(BaseCommand):
    help = "Load the demo network of Hauts-de-France (idempotent: a second run adds nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=300, help="number of actors (300)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")

    def handle(self, *args, size, seed, **options):
        if size < 0:
            raise CommandError("--size must be zero or more.")
        try:
            result = build_demo_network(size=size, seed=seed)
        except TerritoriesMissing as exc:
            raise CommandError(str(exc)) from exc
        if result["organisations"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo network: {result['organisations']} actors added "
                    f"({result['people']} people, {result['category_links']} category links) "
                    f"in {result['seconds']} s."
                )
            )
        else:
            self.stdout.write(
                f"Demo network already loaded ({result['skipped']} actors): nothing to add."
            )
        site = settings.SITE_URL
        self.stdout.write(f"\nOpen {site}/ — the map is at {site}/carte/")
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for email, *_rest in DEMO_USERS:
            self.stdout.write(f"  {email:<30} {ROLE_LABELS[email]}")
