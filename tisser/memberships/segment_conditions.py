"""The memberships' segment conditions: "member in a year", through a verified link to
an organisation whose membership of that year is validated."""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisser.directory import segments
from tisser.directory.contacts.segment_conditions import role_choices
from tisser.directory.models import Affiliation

from .models import Membership


def member_in_year(params: dict):
    """Linked (verified) to an organisation with a validated membership of `year`."""
    memberships = Membership.objects.filter(
        organisation=OuterRef("organisation"),
        year__year=params["year"],
        status=Membership.Status.VALIDATED,
    )
    links = Affiliation.objects.filter(person=OuterRef("pk"))
    links = links.representatives() if params.get("role") == "representative" else links.verified()
    return Exists(links.filter(Exists(memberships)))


def register() -> None:
    segments.register(
        segments.Condition(
            key="member",
            label=_("Member of the network in a year"),
            help=_("Through a verified link to an organisation whose membership is validated."),
            group=_("Memberships"),
            order=20,
            build=member_in_year,
            params=(
                segments.Param(
                    "year",
                    _("year"),
                    kind="year",
                    required=True,
                    default=lambda: timezone.localdate().year,
                ),
                segments.Param("role", _("role"), choices=role_choices, default="member"),
            ),
        )
    )
