"""Memberships' part of the staff side: its section of the navigation and its lines on
the staff home (memberships to validate, payments to record, HelloAsso imports)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tisser.accounts.roles import is_staff_editor
from tisser.core import staff

SECTION = "memberships"


def to_validate_item(request) -> staff.HomeItem:
    from .models import Membership

    count = Membership.objects.filter(status=Membership.Status.PENDING).count()
    return staff.HomeItem(
        label=ngettext("membership to validate", "memberships to validate", count),
        count=count,
        url=reverse("memberships:staff_memberships") + "?status=pending",
    )


def payments_item(request) -> staff.HomeItem:
    from . import queries_staff

    count = queries_staff.memberships({"payment": "due"}).count()
    return staff.HomeItem(
        label=ngettext("payment to record", "payments to record", count),
        count=count,
        url=reverse("memberships:staff_memberships") + "?payment=due",
        detail=ngettext("membership not fully paid yet", "memberships not fully paid yet", count)
        if count
        else "",
    )


def imports_item(request) -> staff.HomeItem:
    from tisser.core.imports.models import ImportJob

    from .helloasso.csv_import import KIND

    return staff.imports_item(
        [ImportJob.objects.filter(kind=KIND)], reverse("memberships:staff_import")
    )


def register() -> None:
    staff.register_section(SECTION, _("Memberships"), icon="id-card", order=30)
    staff.register_links(
        SECTION,
        [
            (_("Memberships"), "memberships:staff_memberships"),
            (_("Payments"), "memberships:staff_payments"),
            (_("Fees and years"), "memberships:staff_fees"),
            (_("HelloAsso import"), "memberships:staff_import"),
            (_("Statistics"), "memberships:staff_statistics"),
        ],
        allowed=is_staff_editor,
    )
    staff.register_home_item(SECTION, "validate", to_validate_item, order=10)
    staff.register_home_item(SECTION, "payments", payments_item, order=20)
    staff.register_home_item(SECTION, "imports", imports_item, order=90)
