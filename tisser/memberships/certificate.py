"""The membership certificate (attestation d'adhésion) as PDF, drawn by `core.pdf`
(fpdf2 and the bundled font: every character of French prints, œ, ’ and « » included).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from tisser.core.network import contract, display_name
from tisser.core.pdf import Document, one_line

from .models import Membership
from .queries import amount_paid


def certificate_pdf(membership: Membership) -> bytes:
    """The certificate of a validated membership (the caller checks it is validated)."""
    org = membership.organisation
    year = membership.year
    pdf = Document(title=_("Membership certificate"), author=settings.NETWORK_NAME)
    pdf.add_page()
    pdf.set_margins(25, 25, 25)
    pdf.set_y(30)
    pdf.font(12, bold=True)
    pdf.cell(0, 8, one_line(settings.NETWORK_NAME), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(14)
    pdf.font(22, bold=True)
    pdf.cell(0, 12, one_line(_("Membership certificate")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.font(13)
    pdf.cell(
        0,
        8,
        one_line(_("Year %(year)s") % {"year": year.year}),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(14)
    pdf.font(12)
    lines = [
        contract(_("%(network)s certifies that") % {"network": display_name()}),
    ]
    pdf.multi_cell(0, 7, one_line(lines[0]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.font(15, bold=True)
    pdf.multi_cell(0, 8, one_line(org.name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.font(11)
    details = [
        d for d in (org.siret and f"SIRET {org.siret}", org.commune and org.commune.name) if d
    ]
    if details:
        pdf.multi_cell(
            0, 6, one_line(" · ".join(details)), align="C", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.ln(4)
    pdf.font(12)
    body = _("is a member of the network from %(start)s to %(end)s") % {
        "start": date_format(year.starts_on, "DATE_FORMAT"),
        "end": date_format(year.ends_on, "DATE_FORMAT"),
    }
    if membership.college_id:
        body += " " + _("in the college “%(college)s”") % {"college": membership.college.name}
    pdf.multi_cell(0, 7, one_line(body + "."), new_x="LMARGIN", new_y="NEXT")
    paid = amount_paid(membership)
    if paid:
        pdf.ln(3)
        pdf.multi_cell(
            0,
            7,
            one_line(_("Membership fee paid: %(amount)s €.") % {"amount": number_format(paid, 2)}),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(16)
    validated = membership.validated_at or timezone.now()
    pdf.multi_cell(
        0,
        7,
        one_line(
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
    pdf.font(9)
    pdf.multi_cell(
        0,
        5,
        one_line(
            _("Certificate number %(number)s") % {"number": f"{year.year}-{membership.pk:05d}"}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return pdf.to_bytes()
