"""The contacts base's own segment conditions: links to organisations, territory,
addresses. Rights-like conditions read verified links only (`Affiliation.objects.verified()`,
`.representatives()`): a claim puts nobody in a segment of representatives."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from tisser.directory import segments
from tisser.directory.models import Affiliation, Category, Organisation

ANY, YES, NO = "", "yes", "no"


def _departements():
    from tisser.territories.models import Departement

    return [(d.code, f"{d.name} ({d.code})") for d in Departement.objects.order_by("code")]


def role_choices():
    """The "role" parameter of conditions on links: any verified link, or a verified
    representative (memberships' "member in a year" offers the same)."""
    return [("member", _("any verified link")), ("representative", _("verified representative"))]


def _yes_no():
    return [(YES, _("yes")), (NO, _("no"))]


def _categories():
    return [(c.pk, c.name) for c in Category.objects.all()]


def _legal_forms():
    from tisser.directory.models import LegalForm

    return list(LegalForm.choices)


def affiliated(params: dict):
    """A verified link (or a verified representation) to an organisation matching the
    parameters: all of them apply to the same organisation."""
    links = Affiliation.objects.filter(person=OuterRef("pk"))
    links = links.representatives() if params.get("role") == "representative" else links.verified()
    links = links.exclude(organisation__status=Organisation.Status.ARCHIVED)
    if "departement" in params:
        links = links.filter(organisation__commune__departement_id=params["departement"])
    if params.get("member_org") == YES:
        links = links.filter(organisation__is_member=True)
    elif params.get("member_org") == NO:
        links = links.filter(organisation__is_member=False)
    if "category" in params:
        links = links.filter(organisation__categories=params["category"])
    if "legal_form" in params:
        links = links.filter(organisation__legal_form=params["legal_form"])
    return Exists(links)


def has_email(params: dict):
    return ~Q(email="")


def register() -> None:
    group = _("Contacts")
    segments.register(
        segments.Condition(
            key="affiliated",
            label=_("Linked to an organisation"),
            help=_(
                "Verified links only: a request waiting for confirmation does not count. "
                "Every detail applies to the same organisation."
            ),
            group=group,
            order=10,
            build=affiliated,
            params=(
                segments.Param("role", _("role"), choices=role_choices, default="member"),
                segments.Param("member_org", _("member organisation"), choices=_yes_no),
                segments.Param("departement", _("département"), choices=_departements),
                segments.Param(
                    "category",
                    _("category"),
                    kind="id",
                    choices=_categories,
                    exists=lambda pk: Category.objects.filter(pk=pk).exists(),
                ),
                segments.Param("legal_form", _("legal form"), choices=_legal_forms),
            ),
        )
    )
    segments.register(
        segments.Condition(
            key="has_email",
            label=_("Has an email address"),
            group=group,
            order=15,
            build=has_email,
        )
    )
