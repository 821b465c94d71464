"""`manage.py load_demo [--size N] [--seed S]`: load the demo network; twice changes nothing."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.core.console import ConsoleCommand, number
from tisser.directory.demo import TerritoriesMissing, build_demo_network


class Command(ConsoleCommand):
    help = "Load the demo network of Hauts-de-France (idempotent: a second run adds nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=300, help="number of actors (300)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")

    def handle(self, *args, size, seed, verbosity=1, **options):
        if size < 0:
            raise CommandError(_("--size must be zero or more."))
        try:
            result = build_demo_network(size=size, seed=seed)
        except TerritoriesMissing as exc:
            raise CommandError(str(exc)) from exc
        if not verbosity:
            return
        if added := result["organisations"]:
            line = ngettext(
                "Demo network: %(actors)s actor added.",
                "Demo network: %(actors)s actors added.",
                added,
            ) % {"actors": number(added)}
        else:
            there = result["skipped"]
            line = ngettext(
                "Demo network already loaded (%(actors)s actor).",
                "Demo network already loaded (%(actors)s actors).",
                there,
            ) % {"actors": number(there)}
        self.stdout.write(line)
