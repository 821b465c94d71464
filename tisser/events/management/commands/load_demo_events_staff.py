"""`manage.py load_demo_events_staff`: a past Rencontre with its attendance and the seeds'
call for proposals, on top of `load_demo_events`; twice changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tisser.events.demo_staff import load_demo_events_staff


class Command(BaseCommand):
    help = "Add a past edition with attendance and a call for proposals (idempotent)."

    def handle(self, *args, **options):
        result = load_demo_events_staff()
        if result["missing"]:
            raise CommandError("The demo agenda is not loaded: run `manage.py load_demo_events`.")
        if result["past"] is None and not result["call_created"]:
            self.stdout.write("Demo staff data already loaded.")
        else:
            self.stdout.write(self.style.SUCCESS("Demo staff data: past edition and call added."))
        self.stdout.write(
            f"Statistics at {settings.SITE_URL}/gestion/evenements/statistiques/?year=2025; "
            f"call at {settings.SITE_URL}{result['call'].get_absolute_url()}"
        )
