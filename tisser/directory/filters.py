"""One reading of the directory's filters, shared by the map, the API, exports and staff lists.

`filter_organisations(params)` takes query parameters (a QueryDict or a dict) and returns
a queryset; the same parameters in a URL give the same list everywhere (shareable URLs).
"""

from collections.abc import Mapping

from django.db.models import Q, QuerySet

from tisser.core.text import fold

from .models import Organisation

FILTER_KEYS = ("q", "category", "territory", "legal_form", "member", "status")


def _values(params: Mapping, key: str) -> list[str]:
    if hasattr(params, "getlist"):
        values = params.getlist(key)
    else:
        raw = params.get(key)
        values = raw if isinstance(raw, list | tuple) else ([raw] if raw else [])
    out: list[str] = []
    for value in values:
        out.extend(v.strip() for v in str(value).split(",") if v.strip())
    return out


def territory_q(code: str) -> Q:
    """A territory code: `reg-32`, `dep-59`, `epci-200093201`, or a commune INSEE code."""
    kind, _, value = code.partition("-")
    if kind == "reg":
        return Q(commune__region_id=value)
    if kind == "dep":
        return Q(commune__departement_id=value)
    if kind == "epci":
        return Q(commune__epci_id=value)
    return Q(commune_id=code)


def filter_organisations(params: Mapping, base: QuerySet | None = None) -> QuerySet:
    """Apply the directory filters in `params` to `base` (published organisations by default)."""
    qs = (
        base
        if base is not None
        else Organisation.objects.filter(status=Organisation.Status.PUBLISHED)
    )
    if statuses := _values(params, "status"):
        qs = qs.filter(status__in=statuses)
    if categories := _values(params, "category"):
        qs = qs.filter(categories__slug__in=categories).distinct()
    if territories := _values(params, "territory"):
        condition = Q()
        for code in territories:
            condition |= territory_q(code)
        qs = qs.filter(condition)
    if legal_forms := _values(params, "legal_form"):
        qs = qs.filter(legal_form__in=legal_forms)
    member = (params.get("member") or "").strip().lower()
    if member in {"1", "true", "yes", "oui"}:
        qs = qs.filter(is_member=True)
    elif member in {"0", "false", "no", "non"}:
        qs = qs.filter(is_member=False)
    if text := fold(params.get("q") or ""):
        qs = search(qs, text)
    return qs


def search(qs: QuerySet, folded_text: str) -> QuerySet:
    """Full-text search: every word must match a word prefix, accent- and case-blind.

    The index (FTS5 on SQLite, GIN on PostgreSQL) lives in `search.py`.
    """
    from tisser.directory.map.search import search as full_text_search

    return full_text_search(qs, folded_text)
