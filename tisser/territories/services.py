"""Every write to the territory tables: loading the shipped files, refreshing from the geo API.

Loads are upserts that compare before writing, so running one twice changes nothing and
the counts they return say what really changed. Communes refreshed from the official geo
API (`refreshed_at` set) are newer than the shipped files: `load_reference_data` leaves
them alone unless `force=True`. Nothing is ever deleted: organisations may still point at
a commune merged since.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import shapely.errors
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from tisser.core.text import fold

from . import reference
from .geometry import clean_outline
from .http import get_json, service_url
from .models import Commune, Departement, Epci, Region

HAUTS_DE_FRANCE = ("02", "59", "60", "62", "80")

_REGION_FIELDS = ["name", "search_name", "population", "outline"]
_DEPARTEMENT_FIELDS = ["name", "search_name", "region_id", "population", "outline"]
_EPCI_FIELDS = ["name", "search_name", "kind", "population"]
_COMMUNE_FIELDS = [
    "name",
    "search_name",
    "departement_id",
    "region_id",
    "epci_id",
    "postcodes",
    "population",
    "latitude",
    "longitude",
]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class LoadReport:
    counts: dict[str, Counts] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # human-readable notes

    def lines(self) -> list[str]:
        return [f"{name}: {counts}" for name, counts in self.counts.items()] + self.skipped


def upsert(model: type[models.Model], rows: Iterable[dict], fields: list[str]) -> Counts:
    """Insert new rows and update changed ones, keyed on the primary key `code`.

    Reads the existing values first and writes only the difference, in bulk.
    """
    existing = {
        values[0]: values[1:] for values in model.objects.values_list("code", *fields).iterator()
    }
    counts = Counts()
    to_write = []
    for row in rows:
        before = existing.get(row["code"])
        if before is None:
            counts.created += 1
        elif before == tuple(row[f] for f in fields):
            counts.unchanged += 1
            continue
        else:
            counts.updated += 1
        to_write.append([row["code"], *(row[f] for f in fields)])
    if to_write:
        _write_rows(model, fields, to_write)
    return counts


def _write_rows(model: type[models.Model], fields: list[str], rows: list[list]) -> None:
    """`INSERT … ON CONFLICT (code) DO UPDATE` in batches (SQLite ≥ 3.24 and PostgreSQL).

    Plain SQL: the ORM's bulk_create spends most of its time building model instances,
    several times slower for the 35,000 communes. SQLite gets multi-row VALUES;
    PostgreSQL gets one array per column through `unnest`, since a VALUES list with
    thousands of parameters is slow for psycopg to prepare. Values are plain
    str/int/float/None, which both drivers take as they are.
    """
    quote = connection.ops.quote_name
    attnames = ["code", *(model._meta.get_field(f).attname for f in fields)]
    # Columns not written here still need their Django default on insert.
    others = [
        f for f in model._meta.concrete_fields if f.attname not in attnames and not f.primary_key
    ]
    columns = [model._meta.get_field(a).column for a in attnames] + [f.column for f in others]
    defaults = [f.get_db_prep_save(f.get_default(), connection) for f in others]
    updated = columns[1 : len(attnames)]
    rows = [[*row, *defaults] for row in rows]
    conflict = f"ON CONFLICT ({quote('code')}) DO UPDATE SET " + ", ".join(
        f"{quote(c)} = excluded.{quote(c)}" for c in updated
    )
    insert = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column: a handful of parameters however many rows.
            fields_in_order = [model._meta.get_field(a) for a in attnames] + others
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields_in_order)
            sql = f"{insert} SELECT * FROM unnest({arrays}) {conflict}"
            for start in range(0, len(rows), 5000):
                chunk = rows[start : start + 5000]
                cursor.execute(sql, [list(column) for column in zip(*chunk, strict=True)])
            return
        placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
        batch = max(1, min(500, connection.features.max_query_params // len(columns)))
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            sql = f"{insert} VALUES {', '.join([placeholders] * len(chunk))} {conflict}"
            cursor.execute(sql, [value for row in chunk for value in row])


@transaction.atomic
def load_reference_data(
    departements: Iterable[str] | None = None, force: bool = False
) -> LoadReport:
    """Load the shipped régions, départements (with outlines), EPCI and communes.

    `departements` limits the communes (and the EPCI they belong to) to those
    départements, for quick test set-ups. Communes refreshed from the geo API keep their
    values unless `force`.
    """
    report = LoadReport()
    wanted = set(departements) if departements else None
    region_outlines = reference.outlines("regions")
    regions = [
        {**r, "search_name": fold(r["name"]), "outline": region_outlines.get(r["code"], "")}
        for r in reference.regions()
    ]
    report.counts["régions"] = upsert(Region, _keep_outline(Region, regions), _REGION_FIELDS)
    dep_outlines = reference.outlines("departements")
    deps = [
        {**d, "search_name": fold(d["name"]), "outline": dep_outlines.get(d["code"], "")}
        for d in reference.departements()
    ]
    report.counts["départements"] = upsert(
        Departement, _keep_outline(Departement, deps), _DEPARTEMENT_FIELDS
    )
    communes = [c for c in reference.communes() if wanted is None or c["departement_id"] in wanted]
    epci_codes = {c["epci_id"] for c in communes if c["epci_id"]}
    epcis = [
        {**e, "search_name": fold(e["name"])} for e in reference.epcis() if e["code"] in epci_codes
    ]
    report.counts["EPCI"] = upsert(Epci, epcis, _EPCI_FIELDS)
    if not force:
        refreshed = set(
            Commune.objects.filter(refreshed_at__isnull=False).values_list("code", flat=True)
        )
        if refreshed:
            communes = [c for c in communes if c["code"] not in refreshed]
            report.skipped.append(
                f"{len(refreshed)} communes refreshed from the geo API were left as they are"
            )
    rows = [{**c, "search_name": fold(c["name"])} for c in communes]
    report.counts["communes"] = upsert(Commune, rows, _COMMUNE_FIELDS)
    if force:
        Commune.objects.filter(
            code__in=[c["code"] for c in communes], refreshed_at__isnull=False
        ).update(refreshed_at=None)
    return report


def _keep_outline(model, rows: list[dict]) -> list[dict]:
    """Keep an outline already stored when the shipped files have none for that code."""
    missing = [r["code"] for r in rows if not r["outline"]]
    stored = dict(
        model.objects.filter(code__in=missing).exclude(outline="").values_list("code", "outline")
    )
    return [{**r, "outline": r["outline"] or stored.get(r["code"], "")} for r in rows]


# --- The official geo API (geo.api.gouv.fr) ------------------------------------------------


def _geo_api(path: str, params: dict | None = None, timeout: float | None = None):
    return get_json(service_url(settings.TISSER_GEO_API_URL, path), params, timeout=timeout)


# The whole list of communes is a few megabytes: give it more time than a single lookup.
BULK_TIMEOUT = 60.0


def refresh_from_geo_api() -> LoadReport:
    """Refresh régions, départements, EPCI and communes from the official geo API.

    Raises `GeoServiceError` (with a clear reason) when the API is disabled or unreachable;
    nothing is written then. Communes it knows get `refreshed_at` set.
    """
    timeout = max(settings.TISSER_HTTP_TIMEOUT, BULK_TIMEOUT)
    regions = _geo_api("/regions", {"fields": "code,nom"}, timeout)
    deps = _geo_api("/departements", {"fields": "code,nom,codeRegion"}, timeout)
    epcis = _geo_api("/epcis", {"fields": "code,nom,population"}, timeout)
    communes = _geo_api(
        "/communes",
        {"fields": "code,nom,centre,population,codesPostaux,codeEpci,codeDepartement,codeRegion"},
        timeout,
    )
    return _apply_geo_api(regions, deps, epcis, communes)


@transaction.atomic
def _apply_geo_api(regions: list, deps: list, epcis: list, communes: list) -> LoadReport:
    report = LoadReport()
    now = timezone.now()
    region_rows = _merge(Region, [{"code": r["code"], "name": r["nom"]} for r in regions])
    report.counts["régions"] = upsert(Region, region_rows, ["name", "search_name"])
    dep_rows = _merge(
        Departement,
        [{"code": d["code"], "name": d["nom"], "region_id": d["codeRegion"]} for d in deps],
    )
    report.counts["départements"] = upsert(
        Departement, dep_rows, ["name", "search_name", "region_id"]
    )
    epci_rows = _merge(
        Epci,
        [{"code": e["code"], "name": e["nom"], "population": e.get("population")} for e in epcis],
    )
    report.counts["EPCI"] = upsert(Epci, epci_rows, ["name", "search_name", "population"])
    known_regions = set(Region.objects.values_list("code", flat=True))
    known_deps = set(Departement.objects.values_list("code", flat=True))
    known_epcis = set(Epci.objects.values_list("code", flat=True))
    rows, skipped = [], 0
    for item in communes:
        if (
            item.get("codeDepartement") not in known_deps
            or item.get("codeRegion") not in known_regions
        ):
            skipped += 1
            continue
        lon, lat = _point(item.get("centre"))
        epci = item.get("codeEpci")
        rows.append(
            {
                "code": item["code"],
                "name": item["nom"],
                "departement_id": item["codeDepartement"],
                "region_id": item["codeRegion"],
                "epci_id": epci if epci in known_epcis else None,
                "postcodes": ",".join(item.get("codesPostaux") or []),
                "population": item.get("population"),
                "latitude": lat,
                "longitude": lon,
            }
        )
    rows = _merge(Commune, rows)
    report.counts["communes"] = upsert(Commune, rows, _COMMUNE_FIELDS)
    Commune.objects.filter(code__in=[r["code"] for r in rows]).update(refreshed_at=now)
    if skipped:
        report.skipped.append(f"{skipped} communes skipped (unknown département)")
    recount_populations()
    return report


def recount_populations() -> None:
    """Département and région populations as the sums of their communes' (as shipped)."""
    for model, key in ((Departement, "departement_id"), (Region, "region_id")):
        sums = dict(
            Commune.objects.filter(population__isnull=False)
            .values_list(key)
            .annotate(total=models.Sum("population"))
            .values_list(key, "total")
        )
        changed = [
            model(code=code, population=sums[code])
            for code, population in model.objects.values_list("code", "population")
            if code in sums and sums[code] != population
        ]
        model.objects.bulk_update(changed, ["population"])


def _merge(model, rows: list[dict]) -> list[dict]:
    """Add `search_name`, and keep stored values where the API gives none."""
    fields = {k for row in rows for k in row} - {"code"}
    stored = {
        values["code"]: values
        for values in model.objects.filter(code__in=[r["code"] for r in rows]).values(
            "code", *fields
        )
    }
    merged = []
    for row in rows:
        before = stored.get(row["code"], {})
        row = {k: (v if v not in (None, "") else before.get(k, v)) for k, v in row.items()}
        merged.append({**row, "search_name": fold(row["name"])})
    return merged


def _point(geometry) -> tuple[float | None, float | None]:
    try:
        lon, lat = (float(v) for v in geometry["coordinates"][:2])
    except (KeyError, TypeError, ValueError):
        return None, None
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return round(lon, 5), round(lat, 5)
    return None, None


# --- Commune outlines ------------------------------------------------------------------------


def fetch_commune_outlines(departement: str) -> Counts:
    """Download and store the outlines of one département's communes from the geo API."""
    collection = _geo_api(
        "/communes",
        {"codeDepartement": departement, "format": "geojson", "geometry": "contour"},
        max(settings.TISSER_HTTP_TIMEOUT, BULK_TIMEOUT),
    )
    return store_commune_outlines(collection, departement)


def read_outline_file(path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def store_commune_outlines(collection: dict, departement: str | None = None) -> Counts:
    """Store the outline of each known commune in a GeoJSON FeatureCollection.

    Features are matched on `properties.code` (INSEE); with `departement`, only that
    département's communes are taken. Raises ValueError on something that is not a
    FeatureCollection.
    """
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ValueError("not a GeoJSON FeatureCollection")
    outlines = {}
    for feature in collection.get("features") or []:
        code = str((feature.get("properties") or {}).get("code") or "")
        geometry = feature.get("geometry") or {}
        if code and geometry.get("type") in ("Polygon", "MultiPolygon"):
            try:  # 5 decimals, about 1 m: the API sends more digits than it knows
                outline = clean_outline(geometry, decimals=5)
            except (ValueError, TypeError, KeyError, IndexError, shapely.errors.ShapelyError):
                continue  # an outline with no area, or not one at all: keep the stored one
            outlines[code] = json.dumps(outline, separators=(",", ":"))
    communes = Commune.objects.filter(code__in=list(outlines))
    if departement:
        communes = communes.filter(departement_id=departement)
    stored = dict(communes.values_list("code", "outline"))
    counts = Counts()
    changed = []
    for code, before in stored.items():
        if before == outlines[code]:
            counts.unchanged += 1
        else:
            counts.created += not before
            counts.updated += bool(before)
            changed.append(Commune(code=code, outline=outlines[code]))
    Commune.objects.bulk_update(changed, ["outline"], batch_size=200)
    return counts
