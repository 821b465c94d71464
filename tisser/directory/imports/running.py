"""Starting, confirming and committing an import (the commit runs in the task queue)."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import services, services_claims
from ..models import Affiliation, ImportJob, OrganisationRevision
from .checking import check_row, check_rows, known_categories
from .progress import ProgressReporter
from .reading import ImportFileError, read_table

logger = logging.getLogger(__name__)


class RowError(Exception):
    def __init__(self, line: int, messages: list[str]):
        super().__init__(line, messages)
        self.line = line
        self.messages = messages


# Up to this many rows the check runs while the upload is answered; beyond, in the worker
# (with progress shown), so that a large file never holds a web request for long.
SYNC_CHECK_ROWS = 500


def start_import(filename: str, raw: bytes, *, author=None) -> ImportJob:
    """Read a file and check its rows (now, or in the worker when the file is large).

    The job keeps the rows and the preview. Raises ImportFileError if the file is unreadable.
    """
    rows = read_table(filename, raw)
    if not rows:
        raise ImportFileError(_("The file has no rows below the column names."))
    author = author if getattr(author, "is_authenticated", False) else None
    job = ImportJob(filename=filename[:255], created_by=author, rows=rows, total=len(rows))
    if len(rows) <= SYNC_CHECK_ROWS:
        job.report = check_rows(rows)
        job.error_count = sum(1 for r in job.report if r["action"] == "error")
        job.save()
        return job
    job.status = ImportJob.Status.CHECKING
    job.save()
    from ..tasks import check_import_job

    job_id = job.pk
    transaction.on_commit(lambda: check_import_job.delay(job_id))
    return job


def check_import(job_id: int) -> ImportJob | None:
    """Check the rows of a large file in the worker, reporting progress on the job row."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.CHECKING).first()
    if job is None:
        return None
    step = max(50, job.total // 100)

    def progress(done: int) -> None:
        if done % step == 0:
            ImportJob.objects.filter(pk=job.pk).update(done=done)

    report = check_rows(job.rows, progress=progress)
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKING).update(
        report=report,
        status=ImportJob.Status.CHECKED,
        done=0,
        error_count=sum(1 for r in report if r["action"] == "error"),
    )
    job.refresh_from_db()
    return job


@transaction.atomic
def confirm_import(job: ImportJob) -> ImportJob:
    """Queue the commit of a checked job that has no errors."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.CHECKED:
        raise ValidationError(_("This import has already been confirmed."))
    if job.error_count:
        raise ValidationError(_("Correct the rows with errors and send the file again."))
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status"])
    from ..tasks import run_import_job

    job_id = job.pk
    transaction.on_commit(lambda: run_import_job.delay(job_id))
    return job


def _claim(job_id: int) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ImportJob.Status.QUEUED:
            return None  # already run (a re-delivered task does nothing)
        job.status = ImportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.done = 0
        job.save(update_fields=["status", "started_at", "done"])
        return job


def _write_rows(job: ImportJob, progress: ProgressReporter) -> tuple[int, int]:
    known, seen = known_categories(), {}
    author = job.created_by
    created = updated = 0
    note = _("Import of %(file)s, line %(line)s")
    for done, row in enumerate(job.rows, start=1):
        result = check_row(row, known, seen)
        if result["action"] == "error":
            raise RowError(row["line"], result["messages"])
        data, contact = result["data"], result["contact"]
        line_note = note % {"file": job.filename, "line": row["line"]}
        try:
            if result["action"] == "update":
                org = services.Organisation.objects.get(pk=result["target"])
                services.update_organisation(
                    org,
                    data,
                    author=author,
                    source=OrganisationRevision.Source.IMPORT,
                    note=line_note,
                )
                updated += 1
            else:
                org = services.create_organisation(
                    data,
                    author=author,
                    source=OrganisationRevision.Source.IMPORT,
                    note=line_note,
                )
                created += 1
            if contact:
                role = contact.pop("role", "")
                representative = contact.pop("is_representative", False)
                person, _created = services.find_or_create_person(**contact)
                # A file says who represents whom; staff confirm it on the requests page.
                services_claims.claim(
                    person,
                    org,
                    source=Affiliation.Source.IMPORT,
                    representative=representative,
                    role=role,
                    detail=job.filename,
                    notify=False,
                )
        except ValidationError as error:
            raise RowError(row["line"], error.messages) from error
        progress.report(done)
    progress.report(len(job.rows), force=True)
    return created, updated


def run_import(job_id: int) -> ImportJob | None:
    """Commit every row of a queued job in one transaction: all rows or none."""
    job = _claim(job_id)
    if job is None:
        return None
    progress = ProgressReporter(job.pk)
    fields = {"finished_at": None}
    try:
        with transaction.atomic():
            created, updated = _write_rows(job, progress)
            fields = {
                "status": ImportJob.Status.DONE,
                "done": job.total,
                "created_count": created,
                "updated_count": updated,
                "finished_at": timezone.now(),
                "message": "",
            }
            ImportJob.objects.filter(pk=job.pk).update(**fields)
    except RowError as error:
        fields = {
            "status": ImportJob.Status.FAILED,
            "done": 0,
            "finished_at": timezone.now(),
            "message": _("Line %(line)s: %(messages)s. Nothing was imported.")
            % {"line": error.line, "messages": "; ".join(error.messages)},
        }
        ImportJob.objects.filter(pk=job.pk).update(**fields)
    except Exception:
        logger.exception("Import %s failed", job.pk)
        fields = {
            "status": ImportJob.Status.FAILED,
            "done": 0,
            "finished_at": timezone.now(),
            "message": _("The import failed unexpectedly. Nothing was imported."),
        }
        ImportJob.objects.filter(pk=job.pk).update(**fields)
    finally:
        progress.close()
    job.refresh_from_db()
    return job
