"""Reads behind the staff pages and exports (lists with staff-only filters, duplicates)."""

import datetime as dt
import re
from collections.abc import Mapping

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from tisser.core.text import fold
from tisser.directory.filters import filter_organisations
from tisser.directory.models import (
    Affiliation,
    GeoPrecision,
    Organisation,
    OrganisationRevision,
    Person,
)
from tisser.territories.models import Commune

OPEN_STATUSES = [Organisation.Status.PROPOSED, Organisation.Status.PUBLISHED]


def staff_organisations(params: Mapping) -> QuerySet:
    """The shared directory filters, every status (archived only when asked), plus:
    `located=0|1`, `siret=0|1`, `people=0|1`, `precision=<geo precision>`."""
    qs = filter_organisations(params, base=Organisation.objects.all())
    if not params.get("status"):
        qs = qs.filter(status__in=OPEN_STATUSES)
    located = params.get("located", "")
    if located == "0":
        qs = qs.filter(latitude__isnull=True)
    elif located == "1":
        qs = qs.filter(latitude__isnull=False)
    if (precision := params.get("precision", "")) in GeoPrecision.values and precision:
        qs = qs.filter(geo_precision=precision)
    siret = params.get("siret", "")
    if siret == "0":
        qs = qs.filter(siret="")
    elif siret == "1":
        qs = qs.exclude(siret="")
    people = params.get("people", "")
    if people == "1":
        qs = qs.filter(pk__in=Affiliation.objects.values("organisation_id"))
    elif people == "0":
        qs = qs.exclude(pk__in=Affiliation.objects.values("organisation_id"))
    return qs.select_related("commune").order_by("name", "id")


def staff_list_page_rows(params: Mapping) -> QuerySet:
    """The list page's rows: only the columns it shows, so that sorting moves small rows."""
    return staff_organisations(params).only(
        "name",
        "slug",
        "status",
        "legal_form",
        "is_member",
        "geo_precision",
        "commune__name",
        "commune__departement_id",
    )


# Letters and their accented forms in French names, for accent-blind name search.
_ACCENTED = {
    "a": "aàâäáã",
    "c": "cç",
    "e": "eéèêë",
    "i": "iîïíì",
    "n": "nñ",
    "o": "oôöóò",
    "u": "uùûüú",
    "y": "yÿý",
}


def accent_blind_pattern(folded_word: str) -> str:
    """A regular expression matching the word whatever its accents and case ("helene" finds
    "Hélène"). Both cases are spelled out: database regex folding of non-ASCII letters varies."""
    parts = []
    for char in folded_word:
        letters = _ACCENTED.get(char)
        parts.append(f"[{letters}{letters.upper()}]" if letters else re.escape(char))
    return "".join(parts)


def staff_people(params: Mapping) -> QuerySet:
    """People searched by name (accent- and case-blind), email or phone (`q`), and by
    organisation (`organisation`)."""
    qs = Person.objects.all()
    text = (params.get("q") or "").strip()
    for word in text.split():
        condition = Q(email__icontains=word) | Q(phone__icontains=word)
        for part in fold(word).split():
            pattern = accent_blind_pattern(part)
            condition |= Q(first_name__iregex=pattern) | Q(last_name__iregex=pattern)
        qs = qs.filter(condition)
    if org := (params.get("organisation") or "").strip():
        qs = qs.filter(affiliations__organisation__slug=org)
    if (params.get("representative") or "") == "1":
        qs = qs.filter(affiliations__is_representative=True)
    return qs.distinct().order_by("last_name", "first_name", "pk")


def possible_duplicates(limit: int = 200) -> list[list[Organisation]]:
    """Groups of organisations sharing a normalised name + commune, or a SIREN."""
    groups: list[list[Organisation]] = []
    keys = (
        Organisation.objects.exclude(status=Organisation.Status.ARCHIVED)
        .values("match_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("match_key")
        .values_list("match_key", flat=True)[:limit]
    )
    seen: set[frozenset] = set()
    for key in keys:
        members = list(Organisation.objects.filter(match_key=key).select_related("commune"))
        seen.add(frozenset(o.pk for o in members))
        groups.append(members)
    sirens: dict[str, list[Organisation]] = {}
    with_siret = (
        Organisation.objects.exclude(siret="")
        .exclude(status=Organisation.Status.ARCHIVED)
        .select_related("commune")
        .order_by("siret")
    )
    siren_counts = {}
    for siret in with_siret.values_list("siret", flat=True):
        siren_counts[siret[:9]] = siren_counts.get(siret[:9], 0) + 1
    shared = {siren for siren, n in siren_counts.items() if n > 1}
    if shared:
        for org in with_siret.filter(
            Q(*[Q(siret__startswith=s) for s in list(shared)[:limit]], _connector=Q.OR)
        ):
            sirens.setdefault(org.siren, []).append(org)
    for members in sirens.values():
        if frozenset(o.pk for o in members) not in seen:
            groups.append(members)
    return groups[:limit]


def display_value(field: str, value) -> str:
    """A stored value as people read it: choice labels, commune names, dates, yes/no."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    try:
        model_field = Organisation._meta.get_field(field)
    except Exception:
        model_field = None
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if field == "commune":
        commune = Commune.objects.filter(pk=value).first()
        return f"{commune.name} ({commune.code})" if commune else str(value)
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if field == "geocoded_at" and isinstance(value, str):
        try:
            return date_format(
                timezone.localtime(dt.datetime.fromisoformat(value)), "SHORT_DATETIME_FORMAT"
            )
        except ValueError:
            return value
    return str(value)


def history(org: Organisation, limit: int = 100) -> list[dict]:
    """The organisation's revisions, newest first, each change with a readable field label."""
    entries = []
    for revision in org.revisions.select_related("author").order_by("-at", "-id")[:limit]:
        changes = [
            {
                "label": field_label(field),
                "before": display_value(field, change[0]),
                "after": display_value(field, change[1]),
            }
            for field, change in (revision.changes or {}).items()
            if isinstance(change, list | tuple) and len(change) == 2
        ]
        entries.append({"revision": revision, "changes": changes})
    return entries


def field_label(field: str) -> str:
    if field == "merged":
        return str(OrganisationRevision.Source.MERGE.label)
    try:
        return str(Organisation._meta.get_field(field).verbose_name)
    except Exception:
        return field
