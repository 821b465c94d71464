"""`manage.py helloasso_sync [--since YYYY-MM-DD]`: record the membership payments
HelloAsso's API lists that no notification brought (idempotent)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from tisser.memberships.helloasso.client import HelloAssoClient, HelloAssoError
from tisser.memberships.helloasso.notifications import catch_up


class Command(BaseCommand):
    help = "Record the HelloAsso membership payments missed by the webhook."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, since, **options):
        client = HelloAssoClient.from_settings()
        if client is None:
            raise CommandError(
                "Set TISSER_HELLOASSO_CLIENT_ID, TISSER_HELLOASSO_CLIENT_SECRET and "
                "TISSER_HELLOASSO_ORGANIZATION first."
            )
        try:
            with client:
                result = catch_up(client, since)
        except HelloAssoError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{result['seen']} membership payments on HelloAsso, {result['recorded']} new."
        )
