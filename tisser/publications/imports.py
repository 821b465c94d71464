"""Import of subscriber exports from Brevo and Mailchimp (CSV), all or nothing.

Each address keeps where its consent came from: the export's own opt-in columns
(Mailchimp's OPTIN_TIME/CONFIRM_TIME/OPTIN_IP, Brevo's DOUBLE_OPT-IN and dates) go into a
`directory.Consent` (method "import", source naming the tool) and the subscription's
`origin_detail`. Subscribers are people of the contacts base (found or created, never
duplicated). An address on the suppression list is left out, whatever the file says.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.directory import services as directory_services
from tisser.directory.models import Consent

from .models import MailingList, Subscription, Suppression

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
STASH_SALT = "tisser.publications.import"


class ImportRefused(Exception):
    pass


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
        email = (record.get(email_col) or "").strip().lower()
        if not email:
            errors.append((line, _("No email address.")))
            continue
        try:
            validate_email(email)
        except ValidationError:
            errors.append((line, _("“%(value)s” is not a valid email address.") % {"value": email}))
            continue
        if email.split("@")[0] in ROLE_LOCAL_PARTS:
            errors.append(
                (line, _("“%(value)s” is a role address (no person reads it).") % {"value": email})
            )
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


def run_import(content: bytes, mailing_list: MailingList) -> dict:
    """Commit the file: every row or none (a bad row refuses the whole file)."""
    checked = check_file(content)
    if checked["errors"]:
        raise ImportRefused(
            _("The file has %(count)d bad row(s): nothing was imported.")
            % {"count": len(checked["errors"])}
        )
    source = checked["source"]
    origin = Subscription.Origin.MAILCHIMP if source == "mailchimp" else Subscription.Origin.BREVO
    created = kept = suppressed = 0
    with transaction.atomic():
        for row in checked["rows"]:
            if row["suppressed"] or Suppression.objects.filter(email=row["email"]).exists():
                suppressed += 1
                continue
            person, _new = directory_services.find_or_create_person(
                email=row["email"], first_name=row["first_name"], last_name=row["last_name"]
            )
            existing = Subscription.objects.filter(person=person, mailing_list=mailing_list).first()
            if existing is not None:
                kept += 1  # an unsubscribe is never undone by an import
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
    return {"created": created, "kept": kept, "suppressed": suppressed}


def _stash_dir() -> Path:
    path = Path(settings.DATA_DIR) / "publications-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash(content: bytes) -> str:
    """Keep the checked file between the preview and the confirmation; a signed name."""
    name = uuid.uuid4().hex
    (_stash_dir() / name).write_bytes(content)
    return signing.dumps(name, salt=STASH_SALT)


def unstash(token: str) -> bytes:
    try:
        name = signing.loads(token, salt=STASH_SALT, max_age=3600)
    except signing.BadSignature:
        raise ImportRefused(_("The preview has expired: choose the file again.")) from None
    path = _stash_dir() / name
    if not path.exists():
        raise ImportRefused(_("The preview has expired: choose the file again."))
    return path.read_bytes()
