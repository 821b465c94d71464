"""The minutes ("procès-verbal") of an assembly as a PDF: attendance, proxies, quorum and
the results of every closed vote. Drawn by `core.pdf` (fpdf2 and the bundled font, like
every PDF of Tisser)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tisser.core.pdf import Document

from . import queries
from .models import Assembly, Motion

CM = 10  # the document's unit is the millimetre


def render_minutes(assembly: Assembly) -> bytes:
    pdf = Document(title=f"{_('Minutes')} — {assembly.title}", author=settings.NETWORK_NAME)
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.line_of_text(_("Minutes"), size=18, bold=True, align="C", height=10)
    pdf.heading(f"{assembly.title} — {assembly.get_kind_display()}", size=15)
    pdf.line_of_text(
        _("%(network)s, %(date)s, %(place)s")
        % {
            "network": settings.NETWORK_NAME,
            "date": date_format(timezone.localtime(assembly.starts_at), "DATETIME_FORMAT"),
            "place": assembly.place or "—",
        },
        size=10,
    )
    pdf.ln(3)
    if assembly.agenda.exists():
        pdf.heading(pgettext("assembly", "Agenda"))
        for item in assembly.agenda.all():
            pdf.line_of_text(f"{item.position}. {item.title}", size=10)

    stats = queries.attendance(assembly)
    pdf.heading(_("Attendance and quorum"))
    pdf.line_of_text(
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
        size=10,
    )
    rows = [
        [
            _("Organisation"),
            _("Votes"),
            _("College"),
            pgettext("assembly", "Present"),
            _("Proxy given to"),
        ]
    ]
    for v in queries.register_rows(assembly).filter(is_active=True):
        proxy = getattr(v, "proxy_given", None) if hasattr(v, "proxy_given") else None
        rows.append(
            [
                v.organisation.name,
                str(v.weight),
                v.college or "—",
                _("yes") if v.present_at else _("no"),
                proxy.holder.organisation.name if proxy else "—",
            ]
        )
    pdf.grid(rows, [6 * CM, 1.4 * CM, 3.6 * CM, 1.6 * CM, 4.8 * CM])

    pdf.heading(pgettext("ballots", "Votes"))
    for motion in assembly.motions.all():
        pdf.heading(f"{motion.position}. {motion.title}", size=12)
        results = queries.closed_results(motion)
        if results is None:
            pdf.line_of_text(_("Not closed: no result."), size=10)
            continue
        pdf.line_of_text(
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
            size=10,
        )
        pdf.ln(1)
        if motion.kind == Motion.Kind.RESOLUTION:
            tally = results["tally"]
            pdf.grid(
                [
                    [_("For"), _("Against"), _("Abstention"), _("Majority"), _("Outcome")],
                    [
                        str(tally["for"]),
                        str(tally["against"]),
                        str(tally["abstain"]),
                        motion.get_majority_display(),
                        _("adopted") if results["adopted"] else _("rejected"),
                    ],
                ],
                [2 * CM, 2 * CM, 2.4 * CM, 7 * CM, 2.6 * CM],
            )
        else:
            pdf.line_of_text(
                _("%(filled)s seats filled of %(seats)s.")
                % {"filled": results["seats_filled"], "seats": results["seats"]},
                size=10,
            )
            pdf.ln(1)
            rows = [[_("Candidate organisation"), _("Votes"), _("Elected")]]
            for c in results["candidates"]:
                rows.append(
                    [c["organisation"], str(c["votes"]), _("yes") if c["elected"] else _("no")]
                )
            pdf.grid(rows, [10 * CM, 2.5 * CM, 2.5 * CM])
            if results.get("tie"):
                pdf.line_of_text(
                    _("Tie for the last seats settled by: %(rule)s (seed %(seed)s).")
                    % {"rule": motion.get_tie_rule_display(), "seed": results["tie"]["seed"]},
                    size=8,
                )
        pdf.ln(3)
    pdf.line_of_text(
        _("Generated by Tisser on %(when)s.")
        % {"when": date_format(timezone.localtime(), "DATETIME_FORMAT")},
        size=8,
    )
    return pdf.to_bytes()
