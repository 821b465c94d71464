"""The import engine: store → check (preview) → confirm → run in batches → report.

**Every row committed exactly once.** The run writes the file in batches; each batch is
one transaction that also moves the job's progress (`done`, `line_reached`, `counts`,
`heartbeat_at`). A worker killed mid-batch leaves that batch uncommitted and the job
pointing at the end of the previous one: a restart resumes below `line_reached`. One
transaction for the whole file would also be exactly-once, but it would hold SQLite's
write lock (every page that writes) for the whole import and throw away an hour of work
when a worker dies at 90 %.

**Heartbeat.** A running step touches `heartbeat_at` at every batch; a job whose
heartbeat is older than `TISSER_IMPORT_STALE_SECONDS` is shown as interrupted (by the
periodic sweep, or as soon as a page looks at it) and staff may restart it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import registry
from .models import ImportChunk, ImportJob
from .reading import ImportFileError

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
# Up to this size the check runs while the upload is answered; beyond, in the worker.
SYNC_CHECK_BYTES = 64 * 1024
PREVIEW_ROWS = 200
MAX_ERRORS = 1000

Status = ImportJob.Status


def stale_seconds() -> int:
    return int(getattr(settings, "TISSER_IMPORT_STALE_SECONDS", 120))


def retention_days() -> int:
    return int(getattr(settings, "TISSER_IMPORT_RETENTION_DAYS", 90))


# -- the file ---------------------------------------------------------------------------


def _store(job: ImportJob, source) -> None:
    """Store an upload (bytes, or a Django file with `.chunks()`) in chunks."""
    pieces = source.chunks(CHUNK_BYTES) if hasattr(source, "chunks") else None
    if pieces is None:
        pieces = (source[i : i + CHUNK_BYTES] for i in range(0, len(source), CHUNK_BYTES))
    size, seq, buffer = 0, 0, bytearray()
    for piece in pieces:
        buffer.extend(piece)
        while len(buffer) >= CHUNK_BYTES:
            ImportChunk.objects.create(job=job, seq=seq, data=bytes(buffer[:CHUNK_BYTES]))
            del buffer[:CHUNK_BYTES]
            seq += 1
        size += len(piece)
    if buffer or seq == 0:
        ImportChunk.objects.create(job=job, seq=seq, data=bytes(buffer))
    job.size = size


@contextlib.contextmanager
def job_file(job: ImportJob):
    """The job's file as a local temporary path, written chunk by chunk from the database."""
    suffix = os.path.splitext(job.filename)[1].lower()[:10]
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (removed below, after use)
        prefix="tisser-import-", suffix=suffix, delete=False
    )
    try:
        with handle:
            chunks = ImportChunk.objects.filter(job=job).order_by("seq")
            for pk in chunks.values_list("pk", flat=True):
                data = ImportChunk.objects.filter(pk=pk).values_list("data", flat=True).get()
                handle.write(bytes(data))
        yield handle.name
    finally:
        os.unlink(handle.name)


def replace_file(job: ImportJob, raw: bytes) -> None:
    """Put another file's content on a job (tests, and a corrected file before a re-check)."""
    ImportChunk.objects.filter(job=job).delete()
    _store(job, raw)
    job.save(update_fields=["size"])


# -- batches ----------------------------------------------------------------------------


def _batches(importer, rows, size: int):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _extra_column_message(row) -> list[str]:
    if not row.extra:
        return []
    return [
        _(
            "the row has more values than there are columns (%(count)s too many); "
            "check the separators and quotes"
        )
        % {"count": row.extra}
    ]


def _checked(importer, job, batch, state) -> list[registry.Result]:
    results = importer.check_batch(job, batch, state)
    for row, result in zip(batch, results, strict=True):
        extra = _extra_column_message(row)
        if extra:
            result.messages = [*result.messages, *extra]
            result.action = "error"
    return results


# -- check ------------------------------------------------------------------------------


def _check(job: ImportJob) -> ImportJob:
    """Read and check every row, keeping the preview, the errors and the counts.

    Raises ImportFileError when the file cannot be read (the caller says so on the job)."""
    importer = registry.get(job.kind)
    state = importer.begin(job, "check")
    preview, errors, counts = [], [], {}
    total = error_count = 0
    with job_file(job) as path:
        for batch in _batches(importer, importer.rows(job, path), importer.batch_size):
            for result in _checked(importer, job, batch, state):
                total += 1
                action = "error" if result.messages else result.action
                result.action = action
                counts[action] = counts.get(action, 0) + 1
                if action == "error":
                    error_count += 1
                    if len(errors) < MAX_ERRORS:
                        errors.append({"line": result.line, "messages": result.messages})
                if len(preview) < PREVIEW_ROWS:
                    preview.append(result.as_json())
            touched = ImportJob.objects.filter(pk=job.pk, status=Status.CHECKING).update(
                checked=total, heartbeat_at=timezone.now()
            )
            if not touched:
                return job  # cancelled meanwhile
    job.preview, job.errors, job.error_count = preview, errors, error_count
    job.counts = {**importer.summary(job, state), "check": counts}
    job.total = job.checked = total
    job.status = Status.CHECKED
    job.heartbeat_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk, status=Status.CHECKING).update(
        preview=preview,
        errors=errors,
        error_count=error_count,
        counts=job.counts,
        total=total,
        checked=total,
        status=Status.CHECKED,
        heartbeat_at=job.heartbeat_at,
    )
    return job


def start(kind: str, filename: str, source, *, author=None, options=None) -> ImportJob:
    """Store a file and check it: now when small, in the worker when large.

    Raises ImportFileError (and keeps nothing) when the file cannot be read."""
    importer = registry.get(kind)
    name = os.path.basename(filename or "")[:255]
    if not name.lower().endswith(importer.extensions):
        raise ImportFileError(
            _("Send a file ending in %(extensions)s.")
            % {"extensions": ", ".join(importer.extensions)}
        )
    author = author if getattr(author, "is_authenticated", False) else None
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind, filename=name, created_by=author, options=options or {}
        )
        _store(job, source)
        job.save(update_fields=["size"])
        if job.size <= SYNC_CHECK_BYTES and not importer.check_in_worker:
            _check(job)
            if not job.total:
                raise ImportFileError(_("The file has no rows below the column names."))
            job.refresh_from_db()
            return job
        # A large file: its columns are checked now (a wrong file is said at once)…
        if not importer.check_in_worker:
            with job_file(job) as path:
                rows = importer.rows(job, path)
                first = next(rows, None)
                rows.close()
            if first is None:
                raise ImportFileError(_("The file has no rows below the column names."))
        from tisser.core.tasks import check_import

        # …its rows in the worker, once this transaction has committed.
        transaction.on_commit(lambda: check_import.delay(job.pk))
    return job


def check_job(job_id: int) -> ImportJob | None:
    """The worker's check of a large file (idempotent: a re-delivered task starts over)."""
    job = ImportJob.objects.filter(pk=job_id, status=Status.CHECKING).first()
    if job is None:
        return None
    try:
        return _check(job)
    except ImportFileError as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED, message=str(error), finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def recheck(job: ImportJob, *, options: dict) -> ImportJob:
    """Check a checked job again with other options (a mapping chosen after the preview)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != Status.CHECKED:
            raise ValidationError(_("This import has already been confirmed."))
        job.options = options
        job.status = Status.CHECKING
        job.checked = 0
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["options", "status", "checked", "heartbeat_at"])
        if job.size > SYNC_CHECK_BYTES:
            from tisser.core.tasks import check_import

            transaction.on_commit(lambda: check_import.delay(job.pk))
            return job
    try:
        _check(job)
    except ImportFileError as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED, message=str(error), finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


# -- confirm, cancel, restart -----------------------------------------------------------


@transaction.atomic
def confirm(job: ImportJob) -> ImportJob:
    """Queue the run of a checked job that has no errors."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != Status.CHECKED:
        raise ValidationError(_("This import has already been confirmed."))
    if job.error_count:
        raise ValidationError(
            ngettext(
                "The file has %(count)d row with errors: correct it and send the file again.",
                "The file has %(count)d rows with errors: correct them and send the file again.",
                job.error_count,
            )
            % {"count": job.error_count}
        )
    if not job.total:
        raise ValidationError(_("The file has no rows to import."))
    job.status = Status.QUEUED
    job.save(update_fields=["status"])
    _queue_run(job.pk)
    return job


def _queue_run(job_id: int) -> None:
    from tisser.core.tasks import run_import

    transaction.on_commit(lambda: run_import.delay(job_id))


@transaction.atomic
def cancel(job: ImportJob) -> ImportJob:
    """Stop a job that has not started committing (nothing of it is written)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not job.can_cancel:
        raise ValidationError(_("This import can no longer be cancelled."))
    job.status = Status.CANCELLED
    job.finished_at = timezone.now()
    job.message = (
        _("Cancelled after %(done)s rows: the rows before line %(line)s stay imported.")
        % {"done": job.done, "line": job.line_reached + 1}
        if job.done
        else _("Cancelled: nothing was imported.")
    )
    job.save(update_fields=["status", "finished_at", "message"])
    return job


@transaction.atomic
def restart(job: ImportJob) -> ImportJob:
    """Queue an interrupted job again: the run resumes after its last committed batch."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != Status.INTERRUPTED:
        raise ValidationError(_("Only an interrupted import can be restarted."))
    checking = job.total == 0 and not job.started_at
    job.status = Status.CHECKING if checking else Status.QUEUED
    job.message = ""
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "message", "heartbeat_at"])
    if checking:
        from tisser.core.tasks import check_import

        transaction.on_commit(lambda: check_import.delay(job.pk))
    else:
        _queue_run(job.pk)
    return job


def mark_interrupted(jobs=None) -> int:
    """Jobs whose worker stopped giving signs of life become interrupted (restartable).

    Reads first and writes only when a job went quiet: pages call this, and a write from
    the web would wait on SQLite's lock while a worker commits a batch."""
    quiet = timezone.now() - timedelta(seconds=stale_seconds())
    jobs = ImportJob.objects.all() if jobs is None else jobs
    stale = jobs.filter(status__in=[Status.RUNNING, Status.CHECKING], heartbeat_at__lt=quiet)
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return 0
    return ImportJob.objects.filter(pk__in=ids, heartbeat_at__lt=quiet).update(
        status=Status.INTERRUPTED,
        message=_("The worker stopped while importing; restart to resume."),
    )


def beat(job: ImportJob) -> None:
    """A sign of life from a step busy before its first batch (reading a large file)."""
    ImportJob.objects.filter(pk=job.pk, status__in=[Status.CHECKING, Status.RUNNING]).update(
        heartbeat_at=timezone.now()
    )


def refresh(job: ImportJob) -> ImportJob:
    """The job as a page should show it (interrupted if its worker went quiet)."""
    quiet = timezone.now() - timedelta(seconds=stale_seconds())
    if (
        job.status in {Status.RUNNING, Status.CHECKING}
        and job.heartbeat_at is not None
        and job.heartbeat_at < quiet
        and mark_interrupted(ImportJob.objects.filter(pk=job.pk))
    ):
        job.refresh_from_db()
    return job


# -- run --------------------------------------------------------------------------------


def _claim(job_id: int) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Status.QUEUED:
            return None  # already running or run: a re-delivered task does nothing
        job.status = Status.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.heartbeat_at = timezone.now()
        job.attempt += 1
        job.save(update_fields=["status", "started_at", "heartbeat_at", "attempt"])
        return job


def _add(counts: dict, more: dict) -> dict:
    out = dict(counts)
    for key, value in more.items():
        out[key] = out.get(key, 0) + value
    return out


def _failed_message(error: registry.RowError, job: ImportJob) -> str:
    text = _("Line %(line)s: %(messages)s.") % {
        "line": error.line,
        "messages": "; ".join(str(m).rstrip(".") for m in error.messages),
    }
    if not job.done:
        nothing = _("Nothing was imported.")  # outside the f-string: xgettext must see it
        return f"{text} {nothing}"
    return f"{text} " + ngettext(
        "The %(count)d row before line %(line)s was imported; nothing after.",
        "The %(count)d rows before line %(line)s were imported; nothing after.",
        job.done,
    ) % {"count": job.done, "line": job.line_reached + 1}


def run_job(job_id: int) -> ImportJob | None:
    """Write a queued job's rows batch after batch, each batch committed with the progress."""
    job = _claim(job_id)
    if job is None:
        return None
    importer = registry.get(job.kind)
    try:
        state = importer.begin(job, "run")
        with job_file(job) as path:
            rows = (r for r in importer.rows(job, path) if r.line > job.line_reached)
            for batch in _batches(importer, rows, importer.batch_size):
                with transaction.atomic():
                    results = _checked(importer, job, batch, state)
                    for result in results:
                        if result.messages:
                            raise registry.RowError(result.line, result.messages)
                    counts = _add(
                        job.counts.get("run", {}), importer.write_batch(job, batch, results, state)
                    )
                    job.counts = {**job.counts, "run": counts}
                    job.line_reached = batch[-1].line
                    mine = ImportJob.objects.filter(
                        pk=job.pk, status=Status.RUNNING, attempt=job.attempt
                    )
                    moved = mine.update(
                        done=F("done") + len(batch),
                        line_reached=job.line_reached,
                        counts=job.counts,
                        heartbeat_at=timezone.now(),
                    )
                    if not moved:
                        # Marked interrupted (and maybe restarted elsewhere) while this
                        # worker was slow: stop here, this batch rolled back; the latest
                        # attempt resumes from the last committed batch.
                        raise _Stopped()
                    job.done += len(batch)
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempt=job.attempt).update(
                status=Status.DONE, finished_at=timezone.now(), message=""
            )
        importer.finish(job)
    except _Stopped:
        pass
    except (registry.RowError, ImportFileError) as error:
        job.refresh_from_db()
        if isinstance(error, registry.RowError):
            message = _failed_message(error, job)
        else:
            message = str(error)
        ImportJob.objects.filter(pk=job.pk, attempt=job.attempt).update(
            status=Status.FAILED, finished_at=timezone.now(), message=message
        )
    except Exception:
        logger.exception("Import %s stopped", job.pk)
        ImportJob.objects.filter(pk=job.pk, attempt=job.attempt).update(
            status=Status.INTERRUPTED,
            message=_("The import stopped unexpectedly; restart to resume."),
        )
    job.refresh_from_db()
    return job


class _Stopped(Exception):
    pass


# -- retention --------------------------------------------------------------------------


def purge(days: int | None = None) -> int:
    """Remove jobs (with their files) finished, or left, more than `days` ago."""
    days = retention_days() if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    old = ImportJob.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[Status.RUNNING, Status.QUEUED, Status.CHECKING]
    )
    count = 0
    for pk in list(old.values_list("pk", flat=True)):
        ImportChunk.objects.filter(job_id=pk).delete()
        ImportJob.objects.filter(pk=pk).delete()
        count += 1
    return count


def progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in all) for the progress bar of the step the job is in."""
    if job.status == Status.CHECKING:
        return job.checked, job.total or 0
    return job.done, job.total
