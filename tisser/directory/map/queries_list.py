"""The list beside the public map: the organisations of the viewport and filters, by
name, a page at a time, as plain lines (`ListedActor`) rather than models.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse

from tisser.directory.indexing import categories_in_order, category_tag
from tisser.directory.map.queries import (
    CACHE_VERSION_KEY,
    CLUSTER_CACHE_SECONDS,
    BBox,
    public_organisations,
    public_params,
)
from tisser.directory.models import Organisation

LIST_PAGE_SIZE = 20
LIST_COUNT_CAP = 1000  # the list says "more than 1,000" past it


def category_styles() -> list[tuple[int, str, str]]:
    """`indexing.categories_in_order()`, which every line of the list reads: with the map
    cache on, kept under the map's version (`map_data_changed` bumps it, categories
    included)."""
    seconds = getattr(settings, "TISSER_MAP_CACHE_SECONDS", CLUSTER_CACHE_SECONDS)
    if seconds <= 0:
        return categories_in_order()
    key = f"directory:map:{cache.get(CACHE_VERSION_KEY, 0)}:categories"
    styles = cache.get(key)
    if styles is None:
        styles = categories_in_order()
        cache.set(key, styles, seconds)
    return styles


def list_page(params, page: int = 1, size: int = LIST_PAGE_SIZE) -> dict:
    """The list beside the map: organisations in the viewport (if any) and filters, by name.

    Counting stops at LIST_COUNT_CAP ("more than 1,000" says enough beside a map). The
    order is `match_key` (the folded name first): the same accent-blind order everywhere.
    A search past the cap lists, by name, the first LIST_COUNT_CAP + 1 matches the index
    finds (by id on SQLite), not the first names of all: sorting every match of a common
    word costs tens of milliseconds, and "more than 1,000" asks for a narrower search.
    """
    bbox = BBox.parse(params["bbox"]) if params.get("bbox") else None
    searched = bool(public_params(params).get("q"))
    qs = public_organisations(params, matches_first=searched)
    if bbox:
        qs = bbox.filter(qs)
    # Up to LIST_COUNT_CAP matches, one narrow query gives the count and the order.
    keys = list(qs.values_list("match_key", "id")[: LIST_COUNT_CAP + 1])
    capped = len(keys) > LIST_COUNT_CAP
    total = min(len(keys), LIST_COUNT_CAP)
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    start, stop = (page - 1) * size, page * size
    if capped and not searched:
        organisations = ordered_slice(qs, start, stop)
    else:
        organisations = listed_actors([pk for _key, pk in sorted(keys)[start:stop]])
    return {
        "organisations": organisations,
        "total": total,
        "capped": capped,
        "page": page,
        "pages": pages,
        "size": size,
        "first": (page - 1) * size + 1 if total else 0,
        "last": (page - 1) * size + len(organisations),
    }


def ordered_slice(qs: QuerySet, start: int, stop: int) -> list["ListedActor"]:
    """Rows `start:stop` by name of a `qs` that many thousands of organisations match.

    Used without a search (a search's matches are sorted, see list_page): the fastest plan
    then walks the name index and stops after `stop` matches. SQLite's planner prefers to
    fetch every match and sort them (hundreds of milliseconds for 100,000 rows), so on
    SQLite the index is named (`INDEXED BY`).
    """
    ids = qs.order_by("match_key", "id").values_list("id", flat=True)[start:stop]
    index = _name_index() if connection.vendor == "sqlite" else None
    if not index:
        return listed_actors(list(ids))
    sql, sql_params = ids.query.sql_with_params()
    table = connection.ops.quote_name(Organisation._meta.db_table)
    sql = sql.replace(f"FROM {table}", f"FROM {table} INDEXED BY {index}", 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, sql_params)
        return listed_actors([row[0] for row in cursor.fetchall()])


LIST_COLUMNS = (
    "id",
    "name",
    "slug",
    "is_member",
    "latitude",
    "longitude",
    "commune__name",
    "filter_tags",
)


@dataclass(frozen=True, slots=True)
class ListedActor:
    """One line of the list beside the map (HTML or JSON): plain values, no model."""

    id: int
    name: str
    slug: str
    url: str
    is_member: bool
    latitude: float | None
    longitude: float | None
    commune: str
    categories: tuple[tuple[str, str], ...]  # (name, colour), by position then name


def listed_actors(ids: list[int]) -> list[ListedActor]:
    """The organisations of `ids`, in that order, as list lines: one query of the columns
    the list shows, the categories read from `filter_tags` (as the points do), so no model
    is built and no link table read."""
    rows = Organisation.objects.filter(pk__in=ids).values_list(*LIST_COLUMNS)
    by_id = {row[0]: row for row in rows}
    styles = [(category_tag(pk), name, color) for pk, name, color in category_styles()]
    url = reverse("directory:organisation", args=["__slug__"])
    found = []
    for pk in ids:
        if row := by_id.get(pk):
            _pk, name, slug, is_member, latitude, longitude, commune, tags = row
            words = set(tags.split())
            found.append(
                ListedActor(
                    pk,
                    name,
                    slug,
                    url.replace("__slug__", slug),
                    is_member,
                    latitude,
                    longitude,
                    commune or "",
                    tuple((name, color) for tag, name, color in styles if tag in words),
                )
            )
    return found


@functools.cache
def _name_index() -> str | None:
    """The name of the single-column index on `match_key` (its name is generated)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Organisation._meta.db_table)
    for name, info in constraints.items():
        if info["index"] and not info["unique"] and info["columns"] == ["match_key"]:
            return connection.ops.quote_name(name)
    return None
