"""Reads of supplier sourcing for public buyers: who can answer a tender, where.

Filters (query parameters, so a search is a shareable URL): `category` (slugs), `naf`
(code or prefix: "38" or "38.11Z"), `commune` + `km` (within N km of a commune's centre:
a bounding-box prefilter in SQL, then the exact great-circle distance in Python, which
works the same on SQLite and PostgreSQL), `territory` (`reg-32`, `dep-80`, `epci-…` or an
INSEE code), `status` (siae, ea, esat, esus, reserved = any of them), `size` (workforce
bands). Only published organisations (local authorities excepted: they buy, they do not
supply) and their public fields are ever shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tisser.directory.filters import territory_q
from tisser.directory.models import LegalForm, Organisation, WorkforceBand
from tisser.territories.models import Commune

EARTH_KM = 6371.0088
MAX_KM = 300
STATUSES = {
    "siae": (LegalForm.SIAE, "is_siae"),
    "ea": (LegalForm.EA, "is_ea"),
    "esat": (LegalForm.ESAT, "is_esat"),
    "esus": (LegalForm.ESUS, "is_esus"),
}


def _values(params: Mapping, key: str) -> list[str]:
    raw = params.getlist(key) if hasattr(params, "getlist") else [params.get(key) or ""]
    out = []
    for value in raw:
        out.extend(v.strip() for v in str(value).split(",") if v.strip())
    return out


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) degrees enclosing the circle of `km` around a point."""
    dlat = math.degrees(km / EARTH_KM)
    dlon = math.degrees(km / (EARTH_KM * max(math.cos(math.radians(lat)), 0.01)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def status_q(status: str) -> Q:
    if status == "reserved":
        condition = Q()
        for name in STATUSES:
            condition |= status_q(name)
        return condition
    legal_form, flag = STATUSES[status]
    return Q(legal_form=legal_form) | Q(**{f"supplier_profile__{flag}": True})


@dataclass
class Search:
    params: dict
    centre: Commune | None
    km: float | None
    errors: list[str]
    territories: list[str] | None = None


def _territory_codes(texts: list[str], errors: list[str]) -> list[str]:
    """Territory codes as typed (`dep-80`, an INSEE code) or names ("Somme", "Amiens")."""
    from django.utils.translation import gettext as _

    from tisser.territories.queries import search_territories, territory_label

    codes = []
    for text in texts:
        if territory_label(text) is not None:
            codes.append(text)
        elif found := search_territories(text, limit=1):
            codes.append(found[0]["code"])
        else:
            errors.append(_("Unknown territory “%(territory)s”.") % {"territory": text})
    return codes


def read_search(params: Mapping) -> Search:
    from django.utils.translation import gettext as _

    errors = []
    centre = None
    km = None
    if code := (params.get("commune") or "").strip():
        from tisser.territories.queries import find_commune

        centre = find_commune(code)
        if centre is None or centre.latitude is None:
            errors.append(_("Unknown commune “%(commune)s”.") % {"commune": code})
            centre = None
    if raw_km := (params.get("km") or "").strip():
        try:
            km = float(raw_km.replace(",", "."))
            if not 0 < km <= MAX_KM:
                raise ValueError
        except ValueError:
            errors.append(_("The distance must be between 1 and %(max)s km.") % {"max": MAX_KM})
            km = None
    if centre and km is None and not raw_km:
        km = 30.0
    for status in _values(params, "status"):
        if status not in STATUSES and status != "reserved":
            errors.append(_("Unknown status “%(status)s”.") % {"status": status})
    territories = _territory_codes(_values(params, "territory"), errors)
    return Search(params=params, centre=centre, km=km, errors=errors, territories=territories)


def search_suppliers(search: Search) -> list[tuple[Organisation, float | None]]:
    """Matching published organisations with their distance (km) when a centre is given,
    nearest first (else by name)."""
    params = search.params
    # Local authorities are the buyers' peers, not suppliers.
    qs: QuerySet = Organisation.objects.filter(status=Organisation.Status.PUBLISHED).exclude(
        legal_form=LegalForm.COLLECTIVITE
    )
    if categories := _values(params, "category"):
        qs = qs.filter(categories__slug__in=categories)
    if naf := [n.upper() for n in _values(params, "naf")]:
        condition = Q()
        for code in naf:
            condition |= Q(supplier_profile__naf_code__startswith=code)
        qs = qs.filter(condition)
    if territories := search.territories:
        condition = Q()
        for code in territories:
            condition |= territory_q(code)
        qs = qs.filter(condition)
    statuses = [s for s in _values(params, "status") if s in STATUSES or s == "reserved"]
    if statuses:
        condition = Q()
        for status in statuses:
            condition |= status_q(status)
        qs = qs.filter(condition)
    if sizes := [s for s in _values(params, "size") if s in WorkforceBand.values]:
        qs = qs.filter(workforce__in=sizes)
    if search.centre and search.km:
        lat, lon = search.centre.latitude, search.centre.longitude
        south, north, west, east = bounding_box(lat, lon, search.km)
        qs = qs.filter(
            latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
        )
    qs = qs.distinct().select_related("commune", "supplier_profile").prefetch_related("categories")
    found = []
    for org in qs:
        distance = None
        if search.centre and search.km:
            distance = haversine_km(lat, lon, org.latitude, org.longitude)
            if distance > search.km:
                continue
        found.append((org, distance))
    if search.centre:
        found.sort(key=lambda item: (item[1], item[0].name))
    else:
        found.sort(key=lambda item: item[0].name.lower())
    return found


def statuses_of(org: Organisation) -> list[str]:
    """The reserved-contract statuses of an organisation (legal form or profile)."""
    profile = getattr(org, "supplier_profile", None)
    found = []
    for name, (legal_form, flag) in STATUSES.items():
        if org.legal_form == legal_form or (profile is not None and getattr(profile, flag)):
            found.append(name)
    return found


def supplier_rows(organisations) -> tuple[list[str], list[list]]:
    """Public fields of suppliers for exports (CSV, XLSX, PDF): never a person's contact."""
    headers = [
        "nom",
        "commune",
        "code_insee",
        "forme_juridique",
        "siret",
        "naf",
        "statuts",
        "effectif",
        "categories",
        "site_web",
        "email",
        "telephone",
        "page",
    ]
    rows = []
    for org in organisations:
        profile = getattr(org, "supplier_profile", None)
        rows.append(
            [
                org.name,
                org.commune.name if org.commune_id else "",
                org.commune_id or "",
                org.get_legal_form_display() if org.legal_form else "",
                org.siret,
                profile.naf_code if profile else "",
                ", ".join(s.upper() for s in statuses_of(org)),
                org.workforce,
                ", ".join(c.name for c in org.categories.all()),
                org.website,
                org.email,
                org.phone,
                f"/acteurs/{org.slug}/",
            ]
        )
    return headers, rows
