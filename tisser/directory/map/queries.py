"""Reads behind the public map: what a viewport shows (the list beside it: `queries_list`).

At low zoom the server groups organisations by a precomputed grid cell
(`Organisation.map_cell_*`, filled by `indexing.refresh_derived_fields`) with one
`GROUP BY` on a covering index; at high zoom it sends points. Either way the browser
never receives more than a few thousand markers.
"""

import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, F, QuerySet
from django.db.models.functions import Floor
from django.http import QueryDict
from django.utils.translation import gettext as _

from tisser.core import params as core_params
from tisser.core.errors import BadParameter
from tisser.directory.filters import FILTER_KEYS, filter_organisations
from tisser.directory.indexing import (
    MAP_CELL_DEGREES,
    MAP_CELL_ROWS,
    category_tag,
    departement_tag,
    legal_form_tag,
    member_tag,
    region_tag,
)
from tisser.directory.map.search import match_tags, search, search_words
from tisser.directory.map.totals import whole_map_totals
from tisser.directory.models import Category, Organisation

MEMBER_YES, MEMBER_NO = {"1", "true", "yes", "oui"}, {"0", "false", "no", "non"}  # as filters.py
PUBLIC_FILTER_KEYS = tuple(key for key in FILTER_KEYS if key != "status")
MAX_POINTS = 2000
CACHED_COLUMNS = ("map_cell_6", "map_cell_8")  # whole-map aggregates kept in the cache
CLUSTER_CACHE_SECONDS = 30
CACHE_VERSION_KEY = "directory:map:version"
CLUSTER_PX = 64  # the side of a cluster cell on screen, in pixels
GRID_ROWS = 2**22  # > 180° / the cell at MAX_ZOOM (2.1 million rows): one key per cell
MIN_ZOOM, MAX_ZOOM = 0, 20
POINTS_FROM_ZOOM = 13  # a city: points, unless the viewport holds more than MAX_POINTS
POINTS_IF_FEW_FROM_ZOOM = 9  # a département: points when few (a search), else clusters
CELL_COLUMN_BY_MAX_ZOOM = (
    (6, "map_cell_6"),
    (8, "map_cell_8"),
    (10, "map_cell_10"),
    (12, "map_cell_12"),
)


class ViewportError(BadParameter, ValueError):
    """A bbox or zoom the map cannot use; the message is shown to the caller (a 400 by
    `core.middleware.RequestInputMiddleware` when no view catches it)."""


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, raw: str) -> "BBox":
        """`west,south,east,north` in degrees, as Leaflet's `getBounds().toBBoxString()`
        (read by `core.params.bbox`: four finite numbers, clamped to the world)."""
        try:
            return cls(*core_params.bbox({"bbox": raw}, required=True))
        except BadParameter as exc:
            raise ViewportError(exc.message, parameter="bbox") from exc

    def filter(self, qs: QuerySet) -> QuerySet:
        return qs.filter(
            latitude__gte=self.south,
            latitude__lte=self.north,
            longitude__gte=self.west,
            longitude__lte=self.east,
        )


def public_params(params) -> QueryDict:
    """The filters the public may use: never `status` (only published actors are public)."""
    clean = QueryDict(mutable=True)
    for key in PUBLIC_FILTER_KEYS:
        values = params.getlist(key) if hasattr(params, "getlist") else [params.get(key)]
        values = [v for v in values if v not in (None, "")]
        if values:
            clean.setlist(key, values)
    return clean


def public_organisations(
    params, *, filters_in_index: bool = False, matches_first: bool = False
) -> QuerySet:
    """Published organisations matching the public filters, ready to aggregate or slice.

    Each organisation appears once: the category filter is an `id IN (…)` subquery on the
    link table rather than a join, so that GROUP BY and COUNT need no DISTINCT. With a
    search, the filters that are words of `filter_tags` are matched inside the full-text
    index instead (the same meaning, far fewer rows visited). `filters_in_index` does so
    without a search too (the API's paginated lists: their count then reads the index).
    `matches_first`: see `search.search` (a capped read of the matches, on SQLite).
    """
    clean = public_params(params)
    text = " ".join(clean.pop("q", []))
    tags = search_tags(clean) if search_words(text) or filters_in_index else []
    categories = clean.pop("category", [])
    qs = filter_organisations(clean)
    if text:
        qs = search(qs, text, tags=tags, matches_first=matches_first)
    elif tags:
        qs = match_tags(qs, tags)
    if categories:
        # The same meaning as filter_organisations' join, without DISTINCT.
        slugs = [slug.strip() for value in categories for slug in value.split(",") if slug.strip()]
        linked = Organisation.categories.through.objects.filter(category__slug__in=slugs)
        qs = qs.filter(pk__in=linked.values("organisation_id"))
    if qs.query.distinct:
        qs = Organisation.objects.filter(pk__in=qs.values("pk"))
    return qs.filter(status=Organisation.Status.PUBLISHED).order_by()


def search_tags(clean: QueryDict) -> list[list[str]]:
    """The filters of `clean` that `filter_tags` holds, as groups of index words (AND of
    ORs); each one is taken out of `clean`. Territories other than régions and
    départements (EPCI, communes) stay ordinary filters."""

    def values(key):
        return [v.strip() for raw in clean.getlist(key) for v in raw.split(",") if v.strip()]

    groups = []
    if slugs := values("category"):
        ids = Category.objects.filter(slug__in=slugs).values_list("id", flat=True)
        groups.append([category_tag(pk) for pk in ids])
        clean.pop("category")
    territories = values("territory")
    if territories and all(code.startswith(("reg-", "dep-")) for code in territories):
        groups.append(
            [
                (region_tag if code.startswith("reg-") else departement_tag)(code[4:])
                for code in territories
            ]
        )
        clean.pop("territory")
    if forms := values("legal_form"):
        groups.append([legal_form_tag(form) for form in forms])
        clean.pop("legal_form")
    member = (clean.get("member") or "").strip().lower()
    if member in MEMBER_YES | MEMBER_NO:
        groups.append([member_tag(member in MEMBER_YES)])
        clean.pop("member")
    return groups


def parse_zoom(raw) -> int:
    try:
        zoom = core_params.zoom({"zoom": raw}, minimum=MIN_ZOOM, maximum=MAX_ZOOM)
    except BadParameter as exc:
        raise ViewportError(exc.message, parameter="zoom") from exc
    if zoom is None:
        raise ViewportError(_("The parameter “zoom” is required."), parameter="zoom")
    return zoom


def cell_column(zoom: int) -> str:
    for max_zoom, column in CELL_COLUMN_BY_MAX_ZOOM:
        if zoom <= max_zoom:
            return column
    return CELL_COLUMN_BY_MAX_ZOOM[-1][1]


def clusters(qs: QuerySet, bbox: BBox, column: str) -> list[list]:
    """One row per grid cell touching the bbox: [latitude, longitude, count] at the mean
    position of its organisations.

    The bbox is read as a range of cells (columns by longitude, rows by latitude), so the
    covering index `status, cell, latitude, longitude, is_member` answers the query alone,
    in GROUP BY order. A cell on the edge counts whole: clusters do not flicker as the
    map moves.
    """
    size = MAP_CELL_DEGREES[column]
    first = int((bbox.west + 180) // size) * MAP_CELL_ROWS
    last = int((bbox.east + 180) // size) * MAP_CELL_ROWS + MAP_CELL_ROWS - 1
    first_row = int((bbox.south + 90) // size)
    last_row = int((bbox.north + 90) // size)
    rows = (
        qs.filter(**{f"{column}__gte": first, f"{column}__lte": last})
        .alias(cell_row=F(column) % MAP_CELL_ROWS)
        .filter(cell_row__gte=first_row, cell_row__lte=last_row)
        .values(column)
        .annotate(n=Count("*"), lat=Avg("latitude"), lon=Avg("longitude"))
        .values_list("lat", "lon", "n")
    )
    return [[round(lat, 5), round(lon, 5), n] for lat, lon, n in rows]


def fine_clusters(qs: QuerySet, bbox: BBox, size: float) -> list[list]:
    """Clusters on a grid of `size` degrees computed on the fly, for a dense city view.

    The bbox is small there, so grouping the rows the bbox index finds is cheap, and the
    cells can be finer than the finest stored column."""
    # One key per cell (column * GRID_ROWS + row): sorting 9,000 rows on one number
    # instead of two costs ~10 % less on SQLite.
    rows = (
        bbox.filter(qs)
        .annotate(
            grid=_GridIndex((F("longitude") + 180.0) / size) * GRID_ROWS
            + _GridIndex((F("latitude") + 90.0) / size)
        )
        .values("grid")
        .annotate(n=Count("*"), lat=Avg("latitude"), lon=Avg("longitude"))
        .values_list("lat", "lon", "n")
    )
    return [[round(lat, 6), round(lon, 6), n] for lat, lon, n in rows]


class _GridIndex(Floor):
    """`floor()` of a non-negative number; on SQLite a CAST, which truncates the same way
    (grouping 9,000 rows of a dense city view: 5.2 ms instead of 7.2 here)."""

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS INTEGER)")


class RawJSON(str):
    """JSON text already written (by the database): `viewport_json` sends it as it is."""


def points(qs: QuerySet, bbox: BBox, limit: int) -> tuple[RawJSON, int] | None:
    """The points of the bbox as a JSON array of [id, latitude, longitude, name, member,
    colour, slug], and how many; None when there are more than `limit`.

    Each point's JSON is written at save (`Organisation.map_point` and `map_colour`, see
    `indexing.map_point_for`) and the covering index `org_map_points` holds it: the
    database reads at most `limit` + 1 index entries and joins their text, with no JSON
    function and no per-category test per point (those were most of a city view's time).
    A dense view is counted first: counting 2,001 index entries costs a tenth of joining
    their text (0.3 against 3.7 ms on SQLite), and most city views hold more."""
    found = bbox.filter(qs)
    if found.values("id")[: limit + 1].count() > limit:
        return None
    inner, inner_params = (
        found.values_list("id", "slug", "map_colour", "map_point")[: limit + 1]
    ).query.sql_with_params()
    point = (
        "'[' || CAST(id AS TEXT) || ',' || map_point || ',' || map_colour || ',\"' || slug || '\"]'"
    )
    if connection.vendor == "postgresql":
        joined = f"string_agg({point}, ',')"
    else:
        joined = f"group_concat({point}, ',')"
    sql = f"SELECT count(*), '[' || coalesce({joined}, '') || ']' FROM ({inner}) AS found_points"
    with connection.cursor() as cursor:
        cursor.execute(sql, inner_params)
        count, text = cursor.fetchone()
    return None if count > limit else (RawJSON(text), count)  # more since the count


def viewport_json(params) -> str:
    """`viewport(params)` as JSON text, the points written by the database kept as they are."""
    data = viewport(params)
    raw = {key: value for key, value in data.items() if isinstance(value, RawJSON)}
    text = json.dumps({key: value for key, value in data.items() if key not in raw})
    for key, value in raw.items():
        text = f"{text[:-1]}, {json.dumps(key)}: {value}}}"
    return text


def viewport(params) -> dict:
    """What the map draws for `bbox` at `zoom` with the filters in `params`.

    `{"kind": "clusters", "clusters": [[lat, lon, n]…], "total": n, "cell": degrees}` below
    zoom 9, from zoom 9 to 12 unless the viewport holds at most MAX_POINTS actors, and at
    any zoom when it holds more; else
    `{"kind": "points", "points": [[id, lat, lon, name, member, colour, slug]…], "total": n}`.
    """
    bbox = BBox.parse(params.get("bbox", ""))
    zoom = parse_zoom(params.get("zoom"))
    qs = public_organisations(params)
    if zoom >= POINTS_IF_FEW_FROM_ZOOM:
        # Reading at most MAX_POINTS + 1 entries of the covering index is cheap.
        if found := points(qs, bbox, MAX_POINTS):
            return {"kind": "points", "zoom": zoom, "points": found[0], "total": found[1]}
        if zoom >= POINTS_FROM_ZOOM:
            size = 360 * CLUSTER_PX / (256 * 2**zoom)
            return _clusters_response(zoom, size, fine_clusters(qs, bbox, size))
    column = cell_column(zoom)
    if column in CACHED_COLUMNS and not public_params(params).get("q"):
        rows = cells_in_bbox(whole_map_clusters(params, column), bbox, column)
    else:
        rows = clusters(qs, bbox, column)
    return _clusters_response(zoom, MAP_CELL_DEGREES[column], rows)


def whole_map_clusters(params, column: str) -> list[list]:
    """[latitude, longitude, count, cell] for every cell of the map with these filters.

    Every visitor of the map starts with the same region or the whole of France: at the
    two coarsest zoom bands the aggregate of the whole map is computed once and kept in
    Django's cache for `TISSER_MAP_CACHE_SECONDS` (30 s by default; 0 turns it off) or
    until an organisation changes (`map_data_changed`); each viewport takes its cells.
    """
    seconds = getattr(settings, "TISSER_MAP_CACHE_SECONDS", CLUSTER_CACHE_SECONDS)
    if seconds <= 0:
        return whole_map_aggregate(params, column)
    filters = public_params(params).urlencode()
    version = cache.get(CACHE_VERSION_KEY, 0)
    key = f"directory:map:{version}:{column}:{filters}"
    rows = cache.get(key)
    if rows is None:
        rows = whole_map_aggregate(params, column)
        cache.set(key, rows, seconds)
    return rows


def whole_map_aggregate(params, column: str) -> list[list]:
    """[latitude, longitude, count, cell] of every cell: without filters, from the per-cell
    totals where the database keeps them (SQLite, see map_totals.py), else one GROUP BY."""
    if not public_params(params) and (totals := whole_map_totals(column)) is not None:
        return [[round(lat, 5), round(lon, 5), n, cell] for cell, lat, lon, n in totals]
    found = (
        public_organisations(params)
        .filter(**{f"{column}__isnull": False})
        .values(column)
        .annotate(n=Count("*"), lat=Avg("latitude"), lon=Avg("longitude"))
        .values_list(column, "lat", "lon", "n")
    )
    return [[round(lat, 5), round(lon, 5), n, cell] for cell, lat, lon, n in found]


def cells_in_bbox(rows: list[list], bbox: BBox, column: str) -> list[list]:
    """The rows of `whole_map_clusters` whose cell touches the bbox, as `clusters` reads it."""
    size = MAP_CELL_DEGREES[column]
    first_col, last_col = int((bbox.west + 180) // size), int((bbox.east + 180) // size)
    first_row, last_row = int((bbox.south + 90) // size), int((bbox.north + 90) // size)
    return [
        row[:3]
        for row in rows
        if first_col <= row[3] // MAP_CELL_ROWS <= last_col
        and first_row <= row[3] % MAP_CELL_ROWS <= last_row
    ]


def map_data_changed(**kwargs) -> None:
    """Signal receiver: an organisation changed, so cached clusters are out of date.

    (Bulk writes send no signal: their clusters show within CLUSTER_CACHE_SECONDS.)"""
    cache.set(CACHE_VERSION_KEY, time.time_ns(), None)


def _clusters_response(zoom: int, size: float, rows: list[list]) -> dict:
    return {
        "kind": "clusters",
        "zoom": zoom,
        "cell": size,
        "clusters": rows,
        "total": sum(row[2] for row in rows),
    }
