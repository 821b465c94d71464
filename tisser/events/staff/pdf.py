"""Badges and the attendance (signature) sheet as PDF, drawn by `core.pdf` (fpdf2 and the
bundled DejaVu Sans, so every French name prints as typed)."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tisser.core.pdf import Document, XPos, YPos, one_line
from tisser.events.models import Event, Session


def _date(session: Session) -> str:
    return formats.date_format(timezone.localtime(session.starts_at), "SHORT_DATE_FORMAT")


def badges(event: Event, registrations) -> bytes:
    """Eight badges to an A4 page (two columns of 90 × 65 mm): name, organisation, event."""
    pdf = Document(title=event.title)
    pdf.set_margins(12, 12)
    width, height, gap = 90, 65, 6
    per_page = 8
    for index, registration in enumerate(registrations):
        if index % per_page == 0:
            pdf.add_page()
        slot = index % per_page
        x = 12 + (slot % 2) * (width + gap)
        y = 12 + (slot // 2) * (height + 2)
        pdf.set_draw_color(160, 160, 160)
        pdf.rect(x, y, width, height)
        pdf.set_xy(x + 4, y + 6)
        pdf.font(9)
        pdf.multi_cell(
            width - 8, 4.5, one_line(event.title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.set_xy(x + 4, y + 24)
        pdf.font(17, bold=True)
        person = registration.person
        pdf.multi_cell(
            width - 8,
            8,
            one_line(f"{person.first_name} {person.last_name}"),
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        if registration.organisation_id:
            pdf.set_x(x + 4)
            pdf.font(11)
            pdf.multi_cell(
                width - 8,
                5.5,
                one_line(registration.organisation.name),
                align="C",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
    if not registrations:
        pdf.add_page()
        pdf.font(12)
        pdf.cell(0, 10, one_line(_("Nobody holds a place yet.")))
    return pdf.to_bytes()


def attendance_sheet(event: Event, registrations, sessions: list[Session]) -> bytes:
    """Names, organisations and one signature column per session (a course's days side by
    side; one column for a single session)."""
    pdf = Document(orientation="L" if len(sessions) > 2 else "P", title=event.title)
    pdf.set_margins(12, 12)
    pdf.add_page()
    pdf.font(14, bold=True)
    pdf.multi_cell(0, 7, one_line(event.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(10)
    where = ", ".join(filter(None, [event.venue_name, event.place_label]))
    dates = " · ".join(_date(s) for s in sessions)
    pdf.multi_cell(
        0,
        5,
        one_line(" — ".join(filter(None, [dates, where]))),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.multi_cell(
        0,
        5,
        one_line(_("Attendance sheet: sign on arrival.")),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    usable = pdf.w - 24
    name_w, org_w = 55, 55
    sign_w = max((usable - name_w - org_w) / max(len(sessions), 1), 18)
    row_h = 11

    def head():
        pdf.font(9, bold=True)
        pdf.set_fill_color(235, 235, 235)
        pdf.cell(name_w, 7, one_line(_("Name")), border=1, fill=True)
        pdf.cell(org_w, 7, one_line(_("Organisation")), border=1, fill=True)
        for session in sessions:
            label = _date(session) if sign_w < 36 else _("Signature") + " " + _date(session)
            pdf.cell(sign_w, 7, one_line(label), border=1, fill=True, align="C")
        pdf.ln()

    head()
    pdf.font(9)
    for registration in registrations:
        if pdf.get_y() + row_h > pdf.h - 15:
            pdf.add_page()
            head()
            pdf.font(9)
        person = registration.person
        name = f"{person.last_name.upper()} {person.first_name}".strip()
        org = registration.organisation.name if registration.organisation_id else ""
        pdf.cell(name_w, row_h, one_line(name)[:40], border=1)
        pdf.cell(org_w, row_h, one_line(org)[:40], border=1)
        for _session in sessions:
            pdf.cell(sign_w, row_h, "", border=1)
        pdf.ln()
    return pdf.to_bytes()
