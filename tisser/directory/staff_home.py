"""The contacts base's part of the staff side: its section of the navigation and its
lines on the staff home (proposals to moderate, imports)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tisser.accounts.roles import is_staff_editor
from tisser.core import staff

SECTION = "contacts"


def proposals_item(request) -> staff.HomeItem:
    from .models_proposals import Proposal

    count = Proposal.objects.filter(status=Proposal.Status.PENDING).count()
    return staff.HomeItem(
        label=ngettext("map proposal to moderate", "map proposals to moderate", count),
        count=count,
        url=reverse("directory:moderation"),
    )


def claims_item(request) -> staff.HomeItem:
    from tisser.directory.contacts.queries_claims import pending_claims

    count = pending_claims().count()
    return staff.HomeItem(
        label=ngettext(
            "representation request to confirm", "representation requests to confirm", count
        ),
        count=count,
        url=reverse("directory:staff_claims"),
    )


def imports_item(request) -> staff.HomeItem:
    from tisser.core.imports.models import ImportJob

    from .imports import KIND

    return staff.imports_item(
        [ImportJob.objects.filter(kind=KIND)], reverse("directory:staff_import")
    )


def register() -> None:
    staff.register_section(SECTION, _("Contacts"), icon="users", order=10)
    staff.register_links(
        SECTION,
        [
            (_("Organisations"), "directory:staff_list"),
            (_("People"), "directory:staff_people"),
            (_("Segments"), "directory:staff_segments"),
            (_("Possible duplicates"), "directory:staff_duplicates"),
            (_("Duplicate people"), "directory:staff_person_duplicates"),
            (_("Map proposals"), "directory:moderation"),
            (_("Representation requests"), "directory:staff_claims"),
            (_("Import"), "directory:staff_import"),
        ],
        allowed=is_staff_editor,
    )
    staff.register_home_item(SECTION, "proposals", proposals_item, order=10)
    staff.register_home_item(SECTION, "claims", claims_item, order=20)
    staff.register_home_item(SECTION, "imports", imports_item, order=90)
