"""A shortlist as a printable PDF (fpdf2). DejaVu Sans is used when the system has it
(every accent and symbol prints); otherwise the PDF core font Helvetica, with text reduced
to Latin-1 (French accents still print)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = DEJAVU.with_name("DejaVuSans-Bold.ttf")


def _latin1(text: str) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")


def shortlist_pdf(shortlist, headers: list[str], rows: list[list]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    if DEJAVU.exists() and DEJAVU_BOLD.exists():
        pdf.add_font("DejaVu", "", str(DEJAVU))
        pdf.add_font("DejaVu", "B", str(DEJAVU_BOLD))
        font, clean = "DejaVu", str
    else:
        font, clean = "Helvetica", _latin1
    pdf.set_font(font, size=15)
    pdf.cell(0, 9, clean(shortlist.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, size=9)
    pdf.cell(
        0,
        6,
        clean(
            _("%(network)s · supplier shortlist of %(date)s · %(count)s suppliers")
            % {
                "network": settings.NETWORK_NAME,
                "date": timezone.localdate().isoformat(),
                "count": len(rows),
            }
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    keep = [
        "nom",
        "commune",
        "forme_juridique",
        "naf",
        "statuts",
        "effectif",
        "site_web",
        "email",
        "telephone",
    ]
    index = [headers.index(k) for k in keep]
    widths = [58, 32, 30, 16, 24, 14, 45, 40, 24]
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
        head = table.row()
        for key in keep:
            head.cell(clean(key))
        for row in rows:
            line = table.row()
            for i in index:
                line.cell(clean(row[i] or ""))
    return bytes(pdf.output())
