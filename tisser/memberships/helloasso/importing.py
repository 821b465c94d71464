"""Running a HelloAsso import as a job: upload → preview → confirm → commit in the worker.

Small files are checked while the upload is answered, large ones in the worker; the
commit always runs in the task queue, in one transaction (all rows or none), reporting
its progress through the core side channel (`core.imports.progress`).
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core.imports.progress import ProgressReporter

from ..models import PaymentImport
from . import csv_import

logger = logging.getLogger(__name__)

# Up to this many lines the check runs in the web request; beyond, in the worker.
SYNC_CHECK_ROWS = 500


def _line_count(raw: bytes) -> int:
    return max(0, len(raw.splitlines()) - 1)


def start_import(filename: str, raw: bytes, *, author=None) -> PaymentImport:
    """Keep the file and check it (now, or in the worker when it is large)."""
    author = author if getattr(author, "is_authenticated", False) else None
    job = PaymentImport(filename=filename[:255], created_by=author, raw=raw)
    job.total = _line_count(raw)
    if job.total <= SYNC_CHECK_ROWS:
        _store_report(job, csv_import.check(raw))
        job.save()
        return job
    job.status = PaymentImport.Status.CHECKING
    job.save()
    from ..tasks import check_payment_import

    job_id = job.pk
    transaction.on_commit(lambda: check_payment_import.delay(job_id))
    return job


def _store_report(job: PaymentImport, report: csv_import.Report) -> None:
    job.report = csv_import.preview(report)
    job.total = len(report.rows)
    job.error_count = job.report["bad_rows"] + len(report.errors)
    job.status = PaymentImport.Status.CHECKED
    job.done = 0


def check_import(job_id: int) -> PaymentImport | None:
    """Check a large file in the worker, with progress on the job row."""
    job = PaymentImport.objects.filter(pk=job_id, status=PaymentImport.Status.CHECKING).first()
    if job is None:
        return None
    step = max(50, job.total // 100)

    def progress(done: int) -> None:
        if done % step == 0:
            PaymentImport.objects.filter(pk=job.pk).update(done=done)

    _store_report(job, csv_import.check(bytes(job.raw), progress=progress))
    job.save(update_fields=["report", "total", "error_count", "status", "done"])
    return job


@transaction.atomic
def confirm_import(job: PaymentImport) -> PaymentImport:
    """Queue the commit of a checked job that has no errors."""
    job = PaymentImport.objects.select_for_update().get(pk=job.pk)
    if job.status != PaymentImport.Status.CHECKED:
        raise ValidationError(_("This import has already been confirmed."))
    if not job.can_confirm:
        raise ValidationError(_("Correct the rows with errors and send the file again."))
    job.status = PaymentImport.Status.QUEUED
    job.total = job.report["actions"]
    job.done = 0
    job.save(update_fields=["status", "total", "done"])
    from ..tasks import run_payment_import

    job_id = job.pk
    transaction.on_commit(lambda: run_payment_import.delay(job_id))
    return job


def _claim(job_id: int) -> PaymentImport | None:
    with transaction.atomic():
        job = PaymentImport.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != PaymentImport.Status.QUEUED:
            return None  # already run (a re-delivered task does nothing)
        job.status = PaymentImport.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
        return job


def _failed(job: PaymentImport, message: str) -> None:
    PaymentImport.objects.filter(pk=job.pk).update(
        status=PaymentImport.Status.FAILED, done=0, finished_at=timezone.now(), message=message
    )


def run_import(job_id: int) -> PaymentImport | None:
    """Record every row of a queued job in one transaction: all rows or none."""
    job = _claim(job_id)
    if job is None:
        return None
    progress = ProgressReporter(job.pk, model=PaymentImport)
    try:
        result = csv_import.commit(bytes(job.raw), progress=progress.report)
    except csv_import.ImportRefused as refused:
        # The data changed since the preview (or a row failed while recording).
        bad = refused.report.bad_rows
        if bad:
            details = "; ".join(
                _("line %(line)s: %(errors)s") % {"line": r.line, "errors": " ".join(r.errors)}
                for r in bad[:10]
            )
        else:
            details = " ".join(refused.report.errors) or _("no row left to import")
        _failed(job, _("%(details)s. Nothing was imported.") % {"details": details})
    except Exception:
        logger.exception("HelloAsso import %s failed", job.pk)
        _failed(job, _("The import failed unexpectedly. Nothing was imported."))
    else:
        PaymentImport.objects.filter(pk=job.pk).update(
            status=PaymentImport.Status.DONE,
            done=job.total,
            result=result,
            finished_at=timezone.now(),
            message="",
        )
    finally:
        progress.close()
    job.refresh_from_db()
    return job
