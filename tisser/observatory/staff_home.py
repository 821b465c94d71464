"""The observatory's part of the staff side: its section of the navigation and its line
on the staff home (indicator and Sirene imports running or failed). Nothing imports the
observatory: it registers itself in core's staff registry."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tisser.accounts.roles import is_staff_editor
from tisser.core import staff

SECTION = "observatory"


def imports_item(request) -> staff.HomeItem:
    from tisser.core.imports.models import ImportJob

    from .imports import KIND
    from .sirene.running import KIND as SIRENE

    return staff.imports_item(
        [ImportJob.objects.filter(kind__in=[KIND, SIRENE])],
        reverse("observatory:staff_home"),
    )


def register() -> None:
    staff.register_section(SECTION, _("Observatory"), icon="chart-column", order=60)
    staff.register_links(
        SECTION,
        [
            (_("Indicators"), "observatory:staff_home"),
            (_("New indicator"), "observatory:staff_indicator_create"),
            (_("Suppliers"), "observatory:staff_suppliers"),
            (_("Sirene load"), "observatory:staff_sirene"),
        ],
        allowed=is_staff_editor,
    )
    staff.register_home_item(SECTION, "imports", imports_item, order=90)
