"""`manage.py load_demo_events`: the seeds' events on the demo network; twice changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tisser.directory.models import Organisation
from tisser.events.demo import load_demo_events


class Command(BaseCommand):
    help = "Load the events of the two newsletters, dated from today (idempotent)."

    def handle(self, *args, **options):
        if not Organisation.objects.filter(slug="apes-hauts-de-france").exists():
            raise CommandError("The demo network is not loaded: run `manage.py load_demo` first.")
        result = load_demo_events()
        if result["events"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo agenda: {len(result['events'])} events added, "
                    f"{result['registrations']} registrations."
                )
            )
        else:
            self.stdout.write(f"Demo agenda already loaded ({result['total']} events).")
        self.stdout.write(f"The agenda is at {settings.SITE_URL}/agenda/")
