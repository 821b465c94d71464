"""Reads on territories shared by imports, forms, the map and the autocomplete."""

import json
import re

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisser.core.text import fold

from .models import Commune, Departement, Epci, Region

INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$", re.IGNORECASE)
POSTCODE = re.compile(r"^\d{5}$")
_CEDEX = re.compile(r"\s+cedex(\s+\d+)?$")
# Common abbreviations in addresses, expanded to the official spelling.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

KIND_LABELS = {
    "region": _("Région"),
    "departement": _("Département"),
    "epci": _("Intercommunality"),
    "commune": _("Commune"),
}


def fold_place_name(text: str) -> str:
    """`fold()` plus what people write in addresses: "St-Omer CEDEX" → "saint omer"."""
    folded = _CEDEX.sub("", fold(text))
    return " ".join(_ABBREVIATIONS.get(word, word) for word in folded.split())


def departement_of_postcode(postcode: str) -> set[str]:
    """Départements a postcode may belong to (Corsica's 20xxx is 2A or 2B; 97x overseas)."""
    if not POSTCODE.match(postcode or ""):
        return set()
    if postcode.startswith("20"):
        return {"2A", "2B"}
    if postcode.startswith("97") or postcode.startswith("98"):
        return {postcode[:3]}
    return {postcode[:2]}


def find_commune(text: str, postcode: str = "") -> Commune | None:
    """The commune meant by `text`: an INSEE code, or a name (with its postcode if ambiguous).

    A name is matched accent- and case-blind. Among communes of the same name the
    postcode decides (its exact value, else its département); without a postcode a name
    is enough only when it is unique in France. Also read: the labels the autocomplete
    gives ("Lille (59)") and arrondissements ("Paris 11e", "Lyon 3ème arrondissement").
    None when unknown or still ambiguous.
    """
    text = (text or "").strip()
    postcode = (postcode or "").strip()
    if INSEE_CODE.match(text):
        found = Commune.objects.filter(code=text.upper()).first()
        if found:
            return found
    departements: set[str] = set()
    if labelled := _LABEL.match(text):
        text, departements = labelled.group(1), {labelled.group(2).upper()}
    name = fold_place_name(text)
    if not name:
        return None
    candidates = _named(name)
    if not candidates and (without := _ARRONDISSEMENT.sub("", name)) != name:
        candidates = _named(without)
    if departements:
        candidates = [c for c in candidates if c.departement_id in departements]
    if not postcode:
        return candidates[0] if len(candidates) == 1 else None
    exact = [c for c in candidates if postcode in c.postcode_list]
    if len(exact) == 1:
        return exact[0]
    same_dep = [
        c for c in (exact or candidates) if c.departement_id in departement_of_postcode(postcode)
    ]
    return same_dep[0] if len(same_dep) == 1 else None


# "Lille (59)", as `search_territories` labels a commune.
_LABEL = re.compile(r"^(.*\S)\s*\((\d[\dAB]|\d{3})\)$", re.IGNORECASE)
# "paris 11e", "lyon 3eme arrondissement", "marseille 1er arrondissement" (folded).
_ARRONDISSEMENT = re.compile(r"\s+\d{1,2}\s*(er|e|eme|ieme)?(\s+arrondissement)?$")


def _named(folded_name: str) -> list[Commune]:
    return list(Commune.objects.filter(search_name=folded_name))


def communes_for_postcode(postcode: str) -> list[Commune]:
    """Communes served by a postcode, most populated first."""
    if not POSTCODE.match(postcode or ""):
        return []
    candidates = Commune.objects.filter(postcodes__contains=postcode).order_by("-population")
    return [c for c in candidates if postcode in c.postcode_list]


def territory_label(code: str) -> str | None:
    """The label of a territory code as `search_territories` gives it, or None if unknown."""
    kind, _sep, value = code.partition("-")
    if kind == "reg":
        region = Region.objects.filter(code=value).first()
        return region.name if region else None
    if kind == "dep":
        dep = Departement.objects.filter(code=value).first()
        return f"{dep.name} ({dep.code})" if dep else None
    if kind == "epci":
        epci = Epci.objects.filter(code=value).first()
        return epci.name if epci else None
    commune = Commune.objects.filter(code=code).first()
    return f"{commune.name} ({commune.departement_id})" if commune else None


def _entry(code: str, label: str, kind: str) -> dict:
    return {"code": code, "label": label, "kind": kind, "kind_label": str(KIND_LABELS[kind])}


def search_territories(q: str, limit: int = 10) -> list[dict]:
    """Territories whose name (or code, or postcode) matches `q`, for an autocomplete.

    Codes are those `tisser.directory.filters.territory_q` reads: `reg-32`, `dep-59`,
    `epci-<SIREN>`, or a commune's INSEE code. Exact names come first, then names that
    start with the text, then names containing a word that starts with it; within each,
    régions, départements, EPCI, then communes, the most populated first.
    """
    raw = (q or "").strip()
    text = fold_place_name(raw)
    if not text or limit <= 0:
        return []
    scored: list[tuple[tuple, dict]] = []
    if raw.isdigit() or INSEE_CODE.match(raw) or raw.upper() in ("2A", "2B"):
        return _search_codes(raw.upper(), limit)

    def rank(name: str) -> int:
        if name == text:
            return 0
        if name.startswith(text):
            return 1
        return 2

    word_start = Q(search_name__startswith=text) | Q(search_name__contains=" " + text)
    for order, (model, kind) in enumerate(
        ((Region, "region"), (Departement, "departement"), (Epci, "epci"), (Commune, "commune"))
    ):
        rows = model.objects.filter(word_start)
        if model is Commune:
            rows = rows.only("code", "name", "search_name", "departement_id", "population")
        for row in rows.order_by("-population")[: limit * 3]:
            if kind == "region":
                entry = _entry(f"reg-{row.code}", row.name, kind)
            elif kind == "departement":
                entry = _entry(f"dep-{row.code}", f"{row.name} ({row.code})", kind)
            elif kind == "epci":
                entry = _entry(f"epci-{row.code}", row.name, kind)
            else:
                entry = _entry(row.code, f"{row.name} ({row.departement_id})", kind)
            scored.append(((rank(row.search_name), order, -(row.population or 0)), entry))
    scored.sort(key=lambda item: item[0])
    return [entry for _key, entry in scored[:limit]]


def _search_codes(code: str, limit: int) -> list[dict]:
    """A numeric query: a département code, an INSEE code, or a postcode."""
    results = []
    if len(code) <= 3:
        for dep in Departement.objects.filter(code__startswith=code).order_by("code")[:limit]:
            results.append(_entry(f"dep-{dep.code}", f"{dep.name} ({dep.code})", "departement"))
        if region := Region.objects.filter(code=code).first():
            results.append(_entry(f"reg-{region.code}", region.name, "region"))
    elif len(code) == 5:
        communes = {c.code: c for c in communes_for_postcode(code)}
        if commune := Commune.objects.filter(code=code).first():
            communes = {commune.code: commune, **communes}
        for commune in list(communes.values())[:limit]:
            results.append(
                _entry(commune.code, f"{commune.name} ({commune.departement_id})", "commune")
            )
    elif len(code) == 9 and (epci := Epci.objects.filter(code=code).first()):
        results.append(_entry(f"epci-{epci.code}", epci.name, "epci"))
    return results[:limit]


def is_departement(code: str) -> bool:
    return bool(code) and Departement.objects.filter(code=code).exists()


def outlines_geojson(level: str, departement: str = "") -> str:
    """A GeoJSON FeatureCollection (text) of stored outlines, properties `code` and `name`.

    `level` is "regions", "departements", or "communes" (then of one `departement`: only
    communes whose outline was fetched, see `fetch_commune_outlines`). Stored geometries
    are already GeoJSON text: they are spliced in, not parsed again.
    """
    model = {"departements": Departement, "regions": Region, "communes": Commune}[level]
    rows = model.objects.exclude(outline="")
    if model is Commune:
        rows = rows.filter(departement_id=departement)
    features = [
        '{"type":"Feature","properties":'
        + json.dumps({"code": code, "name": name}, ensure_ascii=False)
        + ',"geometry":'
        + outline
        + "}"
        for code, name, outline in rows.order_by("code").values_list("code", "name", "outline")
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
