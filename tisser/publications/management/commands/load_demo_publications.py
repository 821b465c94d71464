"""`manage.py load_demo_publications`: the seed's events, articles, resources and the
Infolettre of 28 May 2026, on the demo network of `load_demo`. Twice changes nothing."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo publications (idempotent)."

    def handle(self, *args, **options):
        from django.conf import settings

        from tisser.publications.demo import load_demo_publications

        result = load_demo_publications()
        newsletter = result["newsletter"]
        if result["created_newsletter"] or result["articles"] or result["resources"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo publications: {result['articles']} articles, "
                    f"{result['resources']} resources, the newsletter “{newsletter.title}”."
                )
            )
        else:
            self.stdout.write("Demo publications already loaded: nothing to add.")
        self.stdout.write(f"Newsletter: {settings.SITE_URL}{newsletter.get_absolute_url()}")
