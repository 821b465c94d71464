"""`manage.py backup [--output FILE]`: the database and the uploaded files in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tisser.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Save every database row and every uploaded file (MEDIA_ROOT) to one tar.gz archive "
        "that `restore` reads back, on SQLite or PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            default=None,
            help="Archive to write (default: <data dir>/backups/tisser-<date>.tar.gz).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, output, database, **options):
        try:
            report = make_backup(output, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(report.rows.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {report.path}: {rows} rows in {len(report.rows)} tables, "
                f"{report.files} uploaded files ({report.bytes} bytes)."
            )
        )
