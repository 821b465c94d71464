"""The minutes ("procès-verbal") of an assembly as a PDF: attendance, proxies, quorum and
the results of every closed vote. Built with ReportLab's platypus (standard fonts: they
cover French text)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import queries
from .models import Assembly, Motion


def _p(text, style):
    return Paragraph(escape(str(text)), style)


def _table(rows, widths=None):
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6f2ec")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render_minutes(assembly: Assembly) -> bytes:
    styles = getSampleStyleSheet()
    h1, h2, body = styles["Title"], styles["Heading2"], styles["BodyText"]
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    story = [
        _p(_("Minutes"), h1),
        _p(f"{assembly.title} — {assembly.get_kind_display()}", styles["Heading1"]),
        _p(
            _("%(network)s, %(date)s, %(place)s")
            % {
                "network": settings.NETWORK_NAME,
                "date": date_format(timezone.localtime(assembly.starts_at), "DATETIME_FORMAT"),
                "place": assembly.place or "—",
            },
            body,
        ),
        Spacer(1, 0.3 * cm),
    ]
    if assembly.agenda.exists():
        story.append(_p(pgettext("assembly", "Agenda"), h2))
        for item in assembly.agenda.all():
            story.append(_p(f"{item.position}. {item.title}", body))

    stats = queries.attendance(assembly)
    story += [
        _p(_("Attendance and quorum"), h2),
        _p(
            _(
                "%(voters)s member organisations on the register (%(total)s votes). Present: "
                "%(present)s (%(present_weight)s votes); represented by proxy: %(represented)s "
                "(%(represented_weight)s votes). Quorum: %(required)s votes (%(percent)s %% of "
                "the voting weight): %(reached)s."
            )
            % {
                "voters": stats["voters"],
                "total": stats["total_weight"],
                "present": stats["present"],
                "present_weight": stats["present_weight"],
                "represented": stats["represented"],
                "represented_weight": stats["represented_weight"],
                "required": stats["quorum_required"],
                "percent": assembly.quorum_percent,
                "reached": _("reached") if stats["quorum_reached"] else _("not reached"),
            },
            body,
        ),
    ]
    rows = [[_("Organisation"), _("Votes"), _("College"), _("Present"), _("Proxy given to")]]
    for v in queries.register_rows(assembly).filter(is_active=True):
        proxy = getattr(v, "proxy_given", None) if hasattr(v, "proxy_given") else None
        rows.append(
            [
                _p(v.organisation.name, small),
                str(v.weight),
                _p(v.college or "—", small),
                _("yes") if v.present_at else _("no"),
                _p(proxy.holder.organisation.name if proxy else "—", small),
            ]
        )
    story.append(_table(rows, [6 * cm, 1.4 * cm, 3.6 * cm, 1.6 * cm, 4.8 * cm]))

    story.append(_p(_("Votes"), h2))
    for motion in assembly.motions.all():
        story.append(_p(f"{motion.position}. {motion.title}", styles["Heading3"]))
        results = queries.closed_results(motion)
        if results is None:
            story.append(_p(_("Not closed: no result."), body))
            continue
        story.append(
            _p(
                _(
                    "Took part: %(n)s organisations, %(weight)s votes of %(total)s "
                    "(quorum %(required)s: %(reached)s)."
                )
                % {
                    "n": results["participants"],
                    "weight": results["participation_weight"],
                    "total": results["total_weight"],
                    "required": results["quorum_required"],
                    "reached": _("reached") if results["quorum_reached"] else _("not reached"),
                },
                body,
            )
        )
        if motion.kind == Motion.Kind.RESOLUTION:
            tally = results["tally"]
            story.append(
                _table(
                    [
                        [_("For"), _("Against"), _("Abstention"), _("Majority"), _("Outcome")],
                        [
                            str(tally["for"]),
                            str(tally["against"]),
                            str(tally["abstain"]),
                            _p(motion.get_majority_display(), small),
                            _("adopted") if results["adopted"] else _("rejected"),
                        ],
                    ],
                    [2 * cm, 2 * cm, 2.4 * cm, 7 * cm, 2.6 * cm],
                )
            )
        else:
            story.append(
                _p(
                    _("%(filled)s seats filled of %(seats)s.")
                    % {"filled": results["seats_filled"], "seats": results["seats"]},
                    body,
                )
            )
            rows = [[_("Candidate organisation"), _("Votes"), _("Elected")]]
            for c in results["candidates"]:
                rows.append(
                    [
                        _p(c["organisation"], small),
                        str(c["votes"]),
                        _("yes") if c["elected"] else _("no"),
                    ]
                )
            story.append(_table(rows, [10 * cm, 2.5 * cm, 2.5 * cm]))
            if results.get("tie"):
                story.append(
                    _p(
                        _("Tie for the last seats settled by: %(rule)s (seed %(seed)s).")
                        % {"rule": motion.get_tie_rule_display(), "seed": results["tie"]["seed"]},
                        small,
                    )
                )
        story.append(Spacer(1, 0.3 * cm))
    story.append(
        _p(
            _("Generated by Tisser on %(when)s.")
            % {"when": date_format(timezone.localtime(), "DATETIME_FORMAT")},
            small,
        )
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{_('Minutes')} — {assembly.title}",
        author=settings.NETWORK_NAME,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
    )
    doc.build(story)
    return buffer.getvalue()
