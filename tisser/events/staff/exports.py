"""Participants as CSV or XLSX: one row per registration, one column per question, what
the filters of the list kept. Spreadsheet formulas are neutralised (a name starting with
"=" stays text)."""

from __future__ import annotations

import csv
import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from tisser.events.models import Event
from tisser.events.staff import queries as queries_staff

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value) -> str:
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def header(event: Event) -> list[str]:
    columns = [
        _("Last name"),
        _("First name"),
        _("Email"),
        _("Phone"),
        _("Organisation"),
        _("Kind of organisation"),
        _("Département"),
        _("Session"),
        _("Status"),
        _("Workshops"),
        _("Tier"),
        _("Price"),
        _("Payment"),
        _("Registered"),
        _("Registered by"),
        _("Attended sessions"),
    ]
    return columns + [q.text for q in event.questions.all()]


def rows(event: Event, registrations) -> list[list]:
    questions = list(event.questions.all())
    sessions = {s.pk: s for s in event.sessions_list}
    out = []
    for r in registrations:
        org = r.organisation
        session = (
            _("All sessions")
            if r.session_id is None
            else formats.date_format(timezone.localtime(r.session.starts_at), "SHORT_DATE_FORMAT")
            + (f" {r.session.title}" if r.session.title else "")
        )
        present = queries_staff.attended_sessions(r)
        attended = ", ".join(
            formats.date_format(timezone.localtime(sessions[pk].starts_at), "SHORT_DATE_FORMAT")
            for pk in sorted(present, key=lambda pk: sessions[pk].starts_at)
            if pk in sessions
        )
        out.append(
            [
                r.person.last_name,
                r.person.first_name,
                r.person.email,
                r.person.phone,
                org.name if org else "",
                org.get_legal_form_display() if org and org.legal_form else "",
                org.commune.departement_id if org and org.commune_id else "",
                session,
                r.get_status_display(),
                queries_staff.workshops_of(r),
                r.get_tier_display(),
                r.price,
                r.get_payment_status_display(),
                timezone.localtime(r.created_at).replace(tzinfo=None),
                str(r.registered_by) if r.registered_by_id else "",
                attended,
            ]
            + [queries_staff.answer_of(r, q) for q in questions]
        )
    return out


def to_csv(event: Event, registrations) -> str:
    """UTF-8 with a byte-order mark and semicolons: what French spreadsheets open."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header(event))
    for row in rows(event, registrations):
        writer.writerow([_safe(v) for v in row])
    return buffer.getvalue()


def to_xlsx(event: Event, registrations) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Participants")[:31]
    sheet.append(header(event))
    for row in rows(event, registrations):
        sheet.append([v if not isinstance(v, str) else _safe(v) for v in row])
    for index, _column in enumerate(sheet.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 18
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_xlsx(title: str, columns: list[str], data: list[list]) -> bytes:
    """Any simple table (the calls' proposals) as a one-sheet workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(columns)
    for row in data:
        sheet.append([v if not isinstance(v, str) else _safe(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_csv(columns: list[str], data: list[list]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(columns)
    for row in data:
        writer.writerow([_safe(v) for v in row])
    return buffer.getvalue()
