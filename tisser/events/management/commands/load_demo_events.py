"""`manage.py load_demo_events`: the events of the two newsletters at their dates, and
events to come dated from today, on the demo network; twice changes nothing."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.core.console import ConsoleCommand, number
from tisser.directory.models import Organisation
from tisser.events.demo import load_demo_events


class Command(ConsoleCommand):
    help = "Load the demo agenda: the newsletters' events and events to come (idempotent)."

    def handle(self, *args, verbosity=1, **options):
        if not Organisation.objects.filter(slug="apes-hauts-de-france").exists():
            raise CommandError(_("The demo network is not loaded: run manage.py load_demo first."))
        result = load_demo_events()
        if not verbosity:
            return
        if added := len(result["events"]):
            line = ngettext(
                "Demo agenda: %(events)s event added.",
                "Demo agenda: %(events)s events added.",
                added,
            ) % {"events": number(added)}
        else:
            line = ngettext(
                "Demo agenda already loaded (%(events)s event).",
                "Demo agenda already loaded (%(events)s events).",
                result["total"],
            ) % {"events": number(result["total"])}
        self.stdout.write(line)
