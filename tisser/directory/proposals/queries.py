"""Reads for moderation: the queue, what a proposal would change, and possible duplicates."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.safestring import mark_safe

from tisser.core.html import sanitize_html
from tisser.directory.contacts import services
from tisser.directory.models import Category, LegalForm, Organisation
from tisser.directory.models_proposals import Proposal
from tisser.territories.models import Commune

# The organisation fields a proposal may carry, in the order forms and diffs show them.
PROPOSABLE_FIELDS = (
    "name",
    "legal_form",
    "siret",
    "address",
    "postcode",
    "commune",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "categories",
    "description",
)


@dataclass
class FieldChange:
    field: str
    label: str
    current: object
    proposed: object


def moderation_queue(status: str = "") -> QuerySet:
    """Proposals for the staff list, newest first; `status` empty means all."""
    qs = Proposal.objects.select_related("organisation", "reviewed_by")
    if status in Proposal.Status.values:
        qs = qs.filter(status=status)
    return qs


def status_counts() -> dict[str, int]:
    counts = Proposal.objects.aggregate(
        **{s: Count("id", filter=Q(status=s)) for s in Proposal.Status.values}
    )
    counts["all"] = sum(counts.values())
    return counts


def field_label(field: str) -> str:
    return str(Organisation._meta.get_field(field).verbose_name).capitalize()


def display_value(field: str, value):
    """A stored (JSON) value as people read it."""
    if value in (None, "", []):
        return ""
    if field == "commune":
        commune = Commune.objects.filter(code=value).first()
        return str(commune) if commune else value
    if field == "categories":
        names = dict(Category.objects.filter(slug__in=value).values_list("slug", "name"))
        return ", ".join(names.get(slug, slug) for slug in value)
    if field == "legal_form":
        return LegalForm(value).label if value in LegalForm.values else value
    if field == "description":
        return mark_safe(sanitize_html(value))  # noqa: S308 - cleaned by nh3 just above
    return value


def current_value(organisation: Organisation, field: str):
    """An organisation's value in the same JSON shape as a proposal stores it."""
    if field == "commune":
        return organisation.commune_id or ""
    if field == "categories":
        return sorted(organisation.categories.values_list("slug", flat=True))
    value = getattr(organisation, field)
    return "" if value is None else value


def proposal_changes(proposal: Proposal) -> list[FieldChange]:
    """Field by field: the current value (for a change) beside the proposed one."""
    rows = []
    org = proposal.organisation if proposal.kind == Proposal.Kind.CHANGE else None
    for field in PROPOSABLE_FIELDS:
        if field not in proposal.data:
            continue
        proposed = proposal.data[field]
        current = current_value(org, field) if org is not None else ""
        rows.append(
            FieldChange(
                field=field,
                label=field_label(field),
                current=display_value(field, current),
                proposed=display_value(field, proposed),
            )
        )
    return rows


def possible_duplicates(proposal: Proposal) -> list[Organisation]:
    """For a new actor: the organisation it may duplicate (same SIRET, or name + commune)."""
    if proposal.kind != Proposal.Kind.NEW or not proposal.is_pending:
        return []
    found = services.find_duplicate(
        name=proposal.data.get("name", ""),
        commune_code=proposal.data.get("commune") or "",
        siret=proposal.data.get("siret", ""),
    )
    if found is None:
        return []
    if isinstance(found, Organisation):
        return [found]
    return list(found)
