"""`manage.py restore FILE [--force]`: put back what `backup` saved."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tisser.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore the database rows and uploaded files from a `backup` archive. Refuses to "
        "replace a database or MEDIA_ROOT that holds data unless --force is given. Run "
        "`migrate` first on a new database."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the current data (every row and uploaded file) by the archive's.",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, archive, force, database, **options):
        try:
            rows = restore_backup(archive, force=force, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(rows.values())} rows in {len(rows)} tables from {archive}."
            )
        )
