"""A shortlist as a printable PDF, drawn by `core.pdf` (fpdf2 and the bundled font)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core.pdf import Document, one_line


def shortlist_pdf(shortlist, headers: list[str], rows: list[list]) -> bytes:
    pdf = Document(orientation="L", title=shortlist.name, author=settings.NETWORK_NAME)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.font(15)
    pdf.cell(0, 9, one_line(shortlist.name), new_x="LMARGIN", new_y="NEXT")
    pdf.font(9)
    pdf.cell(
        0,
        6,
        one_line(
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
            head.cell(one_line(key))
        for row in rows:
            line = table.row()
            for i in index:
                line.cell(one_line(row[i] or ""))
    return pdf.to_bytes()
