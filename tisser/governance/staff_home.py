"""Governance's part of the staff side: its section of the navigation and its line on the
staff home (assemblies to come, with their convocation and the quorum they can expect)."""

import datetime
import math

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from tisser.accounts.roles import is_staff_editor
from tisser.core import staff
from tisser.core.dates import short_day

SECTION = "democracy"


def expected_quorum(assembly) -> dict:
    """Before the meeting: the votes of the organisations registered to attend, and of
    those who gave a proxy to one of them, against the votes the quorum requires."""
    voters = assembly.voters.filter(is_active=True)
    total = voters.aggregate(w=Sum("weight"))["w"] or 0
    expected = (
        voters.filter(
            Q(registered_at__isnull=False) | Q(proxy_given__holder__registered_at__isnull=False)
        ).aggregate(w=Sum("weight"))["w"]
        or 0
    )
    required = math.ceil(total * assembly.quorum_percent / 100)
    return {
        "total": total,
        "expected": expected,
        "required": required,
        "reached": total > 0 and expected >= required,
    }


def assemblies_item(request) -> staff.HomeItem:
    from .models import Assembly

    coming = Assembly.objects.exclude(status=Assembly.Status.CLOSED).filter(
        starts_at__gte=timezone.now() - datetime.timedelta(hours=12)  # one under way today
    )
    rows = []
    to_convene = 0
    for assembly in coming.order_by("starts_at", "pk")[:5]:
        quorum = expected_quorum(assembly)
        if assembly.status == Assembly.Status.CONVENED:
            badge, tone = gettext("convened"), "success"
        else:
            badge, tone = gettext("convocation to send"), "warning"
            to_convene += 1
        if quorum["total"]:
            meta = gettext(
                "%(day)s · quorum: %(expected)s votes expected of %(required)s required"
            ) % {
                "day": short_day(assembly.starts_at),
                "expected": quorum["expected"],
                "required": quorum["required"],
            }
        else:
            meta = gettext("%(day)s · register of voters not drawn up yet") % {
                "day": short_day(assembly.starts_at)
            }
        rows.append(
            staff.HomeRow(
                label=assembly.title,
                url=reverse("governance:staff_assembly", args=[assembly.pk]),
                meta=meta,
                badge=badge,
                badge_tone=tone,
            )
        )
    count = coming.count()
    return staff.HomeItem(
        label=ngettext("assembly to come", "assemblies to come", count),
        count=count,
        url=reverse("governance:staff_assemblies"),
        tone=staff.TODO if to_convene else staff.INFO,
        rows=rows,
    )


def register() -> None:
    staff.register_section(SECTION, _("Democratic life"), icon="landmark", order=40)
    staff.register_links(
        SECTION,
        [
            (_("General assemblies"), "governance:staff_assemblies"),
            (_("Working groups"), "governance:groups"),
        ],
        allowed=is_staff_editor,
    )
    staff.register_home_item(SECTION, "assemblies", assemblies_item, order=10)
