"""`manage.py process_bounce [FILE…]`: read delivery status notifications (RFC 3464) from
files or standard input (e.g. piped by the mail server for the bounce address)."""

import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply bounce messages (DSN): hard bounces suppress their address."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*")

    def handle(self, *args, files, **options):
        from tisser.publications.sending.bounces import process_dsn

        sources = files or ["-"]
        for name in sources:
            if name == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(name, "rb") as handle:
                    raw = handle.read()
            for report in process_dsn(raw):
                kind = "hard" if report["hard"] else "soft"
                self.stdout.write(
                    f"{report['email']}: {report['action']} {report['status']} ({kind})"
                )
