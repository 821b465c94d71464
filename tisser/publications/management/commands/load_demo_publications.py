"""`manage.py load_demo_publications`: the Infolettres of June 2025 and of 28 May 2026 as
sent issues, their articles and resources, and the demo's subscribers; twice changes
nothing."""

from django.utils.translation import ngettext

from tisser.core.console import ConsoleCommand, number


class Command(ConsoleCommand):
    help = "Load the demo publications: the two newsletters sent, subscribers (idempotent)."

    def handle(self, *args, verbosity=1, **options):
        from tisser.publications.demo import load_demo_publications
        from tisser.publications.models import Subscription

        result = load_demo_publications()
        if not verbosity:
            return
        readers = Subscription.objects.filter(
            mailing_list__slug="infolettre", status=Subscription.Status.ACTIVE
        ).count()
        if result["created_newsletters"] or result["subscribers"]:
            line = ngettext(
                "Demo newsletter: the issues of June 2025 and 28 May 2026 sent, %(readers)s "
                "subscriber.",
                "Demo newsletter: the issues of June 2025 and 28 May 2026 sent, %(readers)s "
                "subscribers.",
                readers,
            )
        else:
            line = ngettext(
                "Demo newsletter already loaded (%(readers)s subscriber).",
                "Demo newsletter already loaded (%(readers)s subscribers).",
                readers,
            )
        self.stdout.write(line % {"readers": number(readers)})
