"""Import of subscriber exports from Brevo and Mailchimp (CSV), all or nothing.

Each address keeps where its consent came from: the export's own opt-in columns
(Mailchimp's OPTIN_TIME/CONFIRM_TIME/OPTIN_IP, Brevo's DOUBLE_OPT-IN and dates) go into a
`directory.Consent` (method "import", source naming the tool) and the subscription's
`origin_detail`. Subscribers are people of the contacts base (found or created, never
duplicated). An address on the suppression list is left out, whatever the file says.

As the directory's import: upload → preview (small files checked at once, large ones in
the worker) → confirm → the commit runs in the task queue, in one transaction, with its
progress reported through the directory's generic `ProgressReporter`.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.directory import services as directory_services
from tisser.directory.imports.progress import ProgressReporter
from tisser.directory.models import Consent

from .models import Subscription, Suppression
from .models_imports import SubscriberImport

logger = logging.getLogger(__name__)

# Up to this many lines the check runs while the upload is answered; beyond, in the worker.
SYNC_CHECK_ROWS = 500

ROLE_LOCAL_PARTS = {
    "postmaster",
    "abuse",
    "noreply",
    "no-reply",
    "donotreply",
    "mailer-daemon",
    "hostmaster",
    "webmaster",
}
COLUMNS = {
    "email": ["email", "email address", "adresse email", "e-mail", "adresse e-mail"],
    "first_name": ["first name", "firstname", "prenom", "prénom", "fname"],
    "last_name": ["last name", "lastname", "nom", "lname"],
}
CONSENT_COLUMNS = {
    "mailchimp": ["OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP"],
    "brevo": ["DOUBLE_OPT-IN", "OPT_IN", "ADDED_TIME", "DATE_AJOUT", "Date d'ajout", "CONSENT"],
}


class ImportRefused(Exception):
    pass


class RowError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(line, message)
        self.line = line
        self.message = message


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(_("The file is neither UTF-8 nor Windows-1252 text."))


def _reader(text: str):
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.DictReader(io.StringIO(text), dialect=dialect)


def _detect(headers: list[str]) -> str:
    upper = {h.strip().upper() for h in headers}
    if {"OPTIN_TIME", "CONFIRM_TIME"} & upper or "EMAIL ADDRESS" in upper:
        return "mailchimp"
    return "brevo"


def _column(headers: list[str], names: list[str]) -> str | None:
    by_lower = {h.strip().lower(): h for h in headers}
    for name in names:
        if name in by_lower:
            return by_lower[name]
    return None


def _parse_time(value: str):
    for pattern in (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%d-%m-%Y %H:%M",
        "%d/%m/%Y %H:%M",
        "%Y-%m-%d",
        "%d/%m/%Y",
    ):
        try:
            parsed = datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
        return timezone.make_aware(parsed, timezone.get_default_timezone())
    return None


def check_file(content: bytes) -> dict:
    """The preview: rows to import and, for each bad row, its line number and why."""
    try:
        text = _decode(content)
    except ImportRefused as error:
        return {"rows": [], "errors": [(0, str(error))], "source": "", "duplicates": 0}
    return check_text(text)


def _row_error(email: str) -> str | None:
    """Why an address cannot be imported, or None."""
    if not email:
        return _("No email address.")
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(value)s” is not a valid email address.") % {"value": email}
    if email.split("@")[0] in ROLE_LOCAL_PARTS:
        return _("“%(value)s” is a role address (no person reads it).") % {"value": email}
    return None


def check_text(text: str, progress=None) -> dict:
    """Check every line of a decoded export; `progress(done)` is called along the way."""
    reader = _reader(text)
    headers = reader.fieldnames or []
    email_col = _column(headers, COLUMNS["email"])
    if email_col is None:
        return {
            "rows": [],
            "errors": [(1, _("No email column (expected “EMAIL” or “Email Address”)."))],
            "source": "",
            "duplicates": 0,
        }
    source = _detect(headers)
    first_col = _column(headers, COLUMNS["first_name"])
    last_col = _column(headers, COLUMNS["last_name"])
    consent_cols = [h for h in headers if h.strip() in CONSENT_COLUMNS[source]]
    rows, errors, seen, duplicates = [], [], set(), 0
    for line, record in enumerate(reader, start=2):
        if progress is not None:
            progress(line - 1)
        email = (record.get(email_col) or "").strip().lower()
        problem = _row_error(email)
        if problem:
            errors.append((line, problem))
            continue
        if email in seen:
            duplicates += 1
            continue
        seen.add(email)
        consent = {c.strip(): (record.get(c) or "").strip() for c in consent_cols if record.get(c)}
        rows.append(
            {
                "line": line,
                "email": email,
                "first_name": (record.get(first_col) or "").strip() if first_col else "",
                "last_name": (record.get(last_col) or "").strip() if last_col else "",
                "consent": consent,
            }
        )
    suppressed = set(
        Suppression.objects.filter(email__in=[r["email"] for r in rows]).values_list(
            "email", flat=True
        )
    )
    for row in rows:
        row["suppressed"] = row["email"] in suppressed
    return {"rows": rows, "errors": errors, "source": source, "duplicates": duplicates}


def start_import(filename: str, content: bytes, mailing_list, *, author=None):
    """Keep the file on a job and check it: now if small, in the worker if large."""
    text = _decode(content)  # ImportRefused if unreadable
    lines = max(text.count("\n") - 1, 0)
    author = author if getattr(author, "is_authenticated", False) else None
    job = SubscriberImport(
        filename=filename[:255], mailing_list=mailing_list, created_by=author, content=text
    )
    if lines <= SYNC_CHECK_ROWS:
        _store_check(job, check_text(text))
        job.save()
        return job
    job.status = SubscriberImport.Status.CHECKING
    job.total = lines
    job.save()
    from .tasks import check_subscriber_import

    job_id = job.pk
    transaction.on_commit(lambda: check_subscriber_import.delay(job_id))
    return job


def _store_check(job, checked: dict) -> None:
    job.rows = checked["rows"]
    job.errors = [list(e) for e in checked["errors"]]
    job.source = checked["source"]
    job.duplicates = checked["duplicates"]
    job.total = len(checked["rows"])
    job.done = 0


def check_import(job_id: int):
    """Check a large file in the worker, the job's `done` following the lines read."""
    job = SubscriberImport.objects.filter(pk=job_id, status=SubscriberImport.Status.CHECKING)
    job = job.first()
    if job is None:
        return None
    step = max(50, job.total // 100)

    def progress(done: int) -> None:
        if done % step == 0:
            SubscriberImport.objects.filter(pk=job.pk).update(done=done)

    _store_check(job, check_text(job.content, progress=progress))
    job.status = SubscriberImport.Status.CHECKED
    job.save()
    return job


@transaction.atomic
def confirm_import(job):
    """Queue the commit of a checked job that has no errors."""
    job = SubscriberImport.objects.select_for_update().get(pk=job.pk)
    if job.status != SubscriberImport.Status.CHECKED:
        raise ValidationError(_("This import has already been confirmed."))
    if job.errors:
        raise ValidationError(
            ngettext(
                "The file has %(count)d bad row: nothing was imported.",
                "The file has %(count)d bad rows: nothing was imported.",
                len(job.errors),
            )
            % {"count": len(job.errors)}
        )
    if not job.rows:
        raise ValidationError(_("The file has no address to import."))
    job.status = SubscriberImport.Status.QUEUED
    job.save(update_fields=["status"])
    from .tasks import run_subscriber_import

    job_id = job.pk
    transaction.on_commit(lambda: run_subscriber_import.delay(job_id))
    return job


def _claim(job_id: int):
    with transaction.atomic():
        job = SubscriberImport.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != SubscriberImport.Status.QUEUED:
            return None  # already run (a re-delivered task does nothing)
        job.status = SubscriberImport.Status.RUNNING
        job.started_at = timezone.now()
        job.done = 0
        job.save(update_fields=["status", "started_at", "done"])
        return job


def _write_rows(job, progress: ProgressReporter) -> dict:
    """Every row, inside the caller's transaction; a bad row raises RowError."""
    mailing_list, source = job.mailing_list, job.source
    origin = Subscription.Origin.MAILCHIMP if source == "mailchimp" else Subscription.Origin.BREVO
    created = kept = suppressed = 0
    for done, row in enumerate(job.rows, start=1):
        problem = _row_error(row.get("email", ""))
        if problem:
            raise RowError(row["line"], problem)
        if Suppression.objects.filter(email=row["email"]).exists():
            suppressed += 1
            progress.report(done)
            continue
        try:
            person, _new = directory_services.find_or_create_person(
                email=row["email"], first_name=row["first_name"], last_name=row["last_name"]
            )
        except ValidationError as error:
            raise RowError(row["line"], "; ".join(error.messages)) from error
        existing = Subscription.objects.filter(person=person, mailing_list=mailing_list).first()
        if existing is not None:
            kept += 1  # an unsubscribe is never undone by an import
            progress.report(done)
            continue
        consent_at = None
        for key in ("CONFIRM_TIME", "OPTIN_TIME", "ADDED_TIME", "DATE_AJOUT", "Date d'ajout"):
            if row["consent"].get(key):
                consent_at = _parse_time(row["consent"][key])
                if consent_at:
                    break
        detail = "; ".join(f"{k}={v}" for k, v in row["consent"].items())[:300]
        consent = directory_services.record_consent(
            person,
            purpose=Consent.Purpose.NEWSLETTER,
            method=Consent.Method.IMPORT,
            wording=mailing_list.consent_wording,
            source=f"{source} export: {detail}"[:200],
            at=consent_at,
        )
        Subscription.objects.create(
            person=person,
            mailing_list=mailing_list,
            status=Subscription.Status.ACTIVE,
            origin=origin,
            origin_detail=detail,
            consent=consent,
            confirmed_at=consent_at or timezone.now(),
        )
        created += 1
        progress.report(done)
    progress.report(len(job.rows), force=True)
    return {"created_count": created, "kept_count": kept, "suppressed_count": suppressed}


def run_import(job_id: int):
    """Commit every row of a queued job in one transaction: all rows or none."""
    job = _claim(job_id)
    if job is None:
        return None
    progress = ProgressReporter(job.pk, model=SubscriberImport)
    jobs = SubscriberImport.objects.filter(pk=job.pk)
    failed = {"status": SubscriberImport.Status.FAILED, "done": 0}
    try:
        with transaction.atomic():
            counts = _write_rows(job, progress)
            jobs.update(
                status=SubscriberImport.Status.DONE,
                done=job.total,
                finished_at=timezone.now(),
                message="",
                **counts,
            )
    except RowError as error:
        jobs.update(
            **failed,
            finished_at=timezone.now(),
            message=_("Line %(line)s: %(message)s. Nothing was imported.")
            % {"line": error.line, "message": error.message},
        )
    except Exception:
        logger.exception("Subscriber import %s failed", job.pk)
        jobs.update(
            **failed,
            finished_at=timezone.now(),
            message=_("The import failed unexpectedly. Nothing was imported."),
        )
    finally:
        progress.close()
    job.refresh_from_db()
    return job
