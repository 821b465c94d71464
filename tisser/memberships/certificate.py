"""The membership certificate (attestation d'adhésion) as PDF, with fpdf2.

DejaVu Sans (Debian's fonts-dejavu) is used when present, for every character of French
(œ, ’, «»); otherwise the PDF core font, with characters outside Latin-1 replaced.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from tisser.core.network import contract, display_name

from .models import Membership
from .queries import amount_paid

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# fpdf2 subsets fonts with fontTools, which logs every table at INFO: not worth a log line.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class _Pdf(FPDF):
    unicode = False

    def setup_fonts(self) -> str:
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            self.add_font("DejaVu", "", str(regular))
            self.add_font("DejaVu", "B", str(bold))
            self.unicode = True
            return "DejaVu"
        return "Helvetica"

    def text_of(self, value) -> str:
        text = str(value)
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(membership: Membership) -> bytes:
    """The certificate of a validated membership (the caller checks it is validated)."""
    org = membership.organisation
    year = membership.year
    pdf = _Pdf(format="A4")
    pdf.set_title(pdf.text_of(_("Membership certificate")))
    pdf.set_author(pdf.text_of(settings.NETWORK_NAME))
    family = pdf.setup_fonts()
    pdf.add_page()
    pdf.set_margins(25, 25, 25)
    pdf.set_y(30)
    pdf.set_font(family, "B", 12)
    pdf.cell(0, 8, pdf.text_of(settings.NETWORK_NAME), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(14)
    pdf.set_font(family, "B", 22)
    pdf.cell(
        0, 12, pdf.text_of(_("Membership certificate")), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(family, "", 13)
    pdf.cell(
        0,
        8,
        pdf.text_of(_("Year %(year)s") % {"year": year.year}),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(14)
    pdf.set_font(family, "", 12)
    lines = [
        contract(_("%(network)s certifies that") % {"network": display_name()}),
    ]
    pdf.multi_cell(0, 7, pdf.text_of(lines[0]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, "B", 15)
    pdf.multi_cell(0, 8, pdf.text_of(org.name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 11)
    details = [
        d for d in (org.siret and f"SIRET {org.siret}", org.commune and org.commune.name) if d
    ]
    if details:
        pdf.multi_cell(
            0, 6, pdf.text_of(" · ".join(details)), align="C", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.ln(4)
    pdf.set_font(family, "", 12)
    body = _("is a member of the network from %(start)s to %(end)s") % {
        "start": date_format(year.starts_on, "DATE_FORMAT"),
        "end": date_format(year.ends_on, "DATE_FORMAT"),
    }
    if membership.college_id:
        body += " " + _("in the college “%(college)s”") % {"college": membership.college.name}
    pdf.multi_cell(0, 7, pdf.text_of(body + "."), new_x="LMARGIN", new_y="NEXT")
    paid = amount_paid(membership)
    if paid:
        pdf.ln(3)
        pdf.multi_cell(
            0,
            7,
            pdf.text_of(
                _("Membership fee paid: %(amount)s €.") % {"amount": number_format(paid, 2)}
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(16)
    validated = membership.validated_at or timezone.now()
    pdf.multi_cell(
        0,
        7,
        pdf.text_of(
            _("Issued on %(date)s. Membership validated on %(validated)s.")
            % {
                "date": date_format(timezone.localdate(), "DATE_FORMAT"),
                "validated": date_format(timezone.localtime(validated), "DATE_FORMAT"),
            }
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font(family, "", 9)
    pdf.multi_cell(
        0,
        5,
        pdf.text_of(
            _("Certificate number %(number)s") % {"number": f"{year.year}-{membership.pk:05d}"}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
