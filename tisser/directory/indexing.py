"""Derived columns of an organisation, recomputed before every save (services, imports, demo).

Kept in one place so that every door into the directory fills them the same way.
"""

import json

from django.utils.html import strip_tags
from django.utils.text import slugify

from tisser.core.text import fold

from .models import Category, Organisation


def match_key_for(name: str, commune_code: str | None) -> str:
    """The de-duplication key after SIRET: normalised name + commune."""
    return f"{fold(name)}|{commune_code or ''}"


# Map grid: cell size in degrees for each grid column; the map picks the column by zoom.
MAP_CELL_DEGREES = {
    "map_cell_6": 1.0,
    "map_cell_8": 0.25,
    "map_cell_10": 1 / 16,
    "map_cell_12": 1 / 64,
}
MAP_CELL_ROWS = 16384  # cell = column * MAP_CELL_ROWS + row: 180 * 64 rows fit below it


def map_cells(latitude: float | None, longitude: float | None) -> dict[str, int | None]:
    """The grid cell of a position for every zoom band (None when it is not located)."""
    if latitude is None or longitude is None:
        return dict.fromkeys(MAP_CELL_DEGREES)
    return {
        name: int((longitude + 180) // size) * MAP_CELL_ROWS + int((latitude + 90) // size)
        for name, size in MAP_CELL_DEGREES.items()
    }


def category_tag(pk: int) -> str:
    return f"c{pk}"


def departement_tag(code: str) -> str:
    return "d" + fold(code).replace(" ", "")


def region_tag(code: str) -> str:
    return "r" + fold(code).replace(" ", "")


def legal_form_tag(value: str) -> str:
    return "l" + fold(value).replace(" ", "")


def member_tag(is_member: bool) -> str:
    return "member1" if is_member else "member0"


def filter_tags_for(org: Organisation, category_ids=None) -> str:
    """The words of `Organisation.filter_tags`: the public filters as index words.

    The full-text index holds them beside `search_text` (SQLite: a second FTS5 column;
    PostgreSQL: the weight-A words of the stored `search_vector`), so that "a word + a
    category" is one intersection inside the index instead of visiting every match of
    the word. `category_ids` spares
    a query when the caller knows them (the demo loader); else they are read from the
    database (none for an organisation not saved yet: the m2m signal fills them)."""
    if category_ids is None:
        category_ids = org.categories.values_list("id", flat=True) if org.pk else ()
    tags = [category_tag(pk) for pk in sorted(set(category_ids))]
    commune = org.commune if org.commune_id else None
    if commune is not None:
        if commune.departement_id:
            tags.append(departement_tag(commune.departement_id))
        if commune.region_id:
            tags.append(region_tag(commune.region_id))
    if org.legal_form:
        tags.append(legal_form_tag(org.legal_form))
    tags.append(member_tag(org.is_member))
    return " ".join(tags)


def categories_in_order() -> list[tuple[int, str, str]]:
    """(id, name, colour) of every category, by position then name: an organisation's
    first category there gives its colour on the map."""
    return list(Category.objects.order_by("position", "name").values_list("id", "name", "color"))


def map_colour_for(filter_tags: str, categories: list[tuple[int, str, str]]) -> str:
    """`Organisation.map_colour`: the colour of the first category (in `categories_in_order`)
    among the words of `filter_tags`, as a JSON string ("" without a category)."""
    words = set(filter_tags.split())
    colour = next((color for pk, _name, color in categories if category_tag(pk) in words), "")
    return json.dumps(colour or "")


def map_point_for(org: Organisation) -> str:
    """`Organisation.map_point`: `latitude,longitude,"name",member` as JSON, the middle of
    the map's point `[id, latitude, longitude, name, member, colour, slug]` (see
    `map.queries.points`): written once here rather than by the database on every view."""
    if org.latitude is None or org.longitude is None:
        return ""
    name = json.dumps(org.name, ensure_ascii=False)
    return f"{round(org.latitude, 6)},{round(org.longitude, 6)},{name},{int(bool(org.is_member))}"


def refresh_map_colours(ids) -> None:
    """Recompute `map_colour` of these organisations (a category's colour or position
    changed, or its links): one UPDATE per resulting colour."""
    categories = categories_in_order()
    by_colour: dict[str, list[int]] = {}
    rows = Organisation.objects.filter(pk__in=ids).values_list("id", "filter_tags", "map_colour")
    for pk, tags, current in rows:
        colour = map_colour_for(tags, categories)
        if colour != current:
            by_colour.setdefault(colour, []).append(pk)
    for colour, pks in by_colour.items():
        for start in range(0, len(pks), 5000):
            Organisation.objects.filter(pk__in=pks[start : start + 5000]).update(map_colour=colour)


def category_changed(sender, instance, **kwargs) -> None:
    """post_save / post_delete receiver of Category: the organisations whose filter words
    name it may have another colour now (its own, or the next category's)."""
    tag = category_tag(instance.pk)
    candidates = Organisation.objects.filter(filter_tags__contains=tag).values_list("id", flat=True)
    refresh_map_colours(list(candidates))


def categories_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """m2m_changed receiver: categories were linked or unlinked, so refresh the tags."""
    if action == "pre_clear" and reverse:
        # A category cleared of its organisations: remember which, pk_set is None after.
        instance._tisser_cleared = list(
            sender.objects.filter(category_id=instance.pk).values_list("organisation_id", flat=True)
        )
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    categories = categories_in_order()
    if not reverse:
        instance.filter_tags = filter_tags_for(instance)
        instance.map_colour = map_colour_for(instance.filter_tags, categories)
        Organisation.objects.filter(pk=instance.pk).update(
            filter_tags=instance.filter_tags, map_colour=instance.map_colour
        )
        return
    ids = pk_set if action != "post_clear" else getattr(instance, "_tisser_cleared", [])
    for org in Organisation.objects.filter(pk__in=ids).select_related("commune"):
        tags = filter_tags_for(org)
        Organisation.objects.filter(pk=org.pk).update(
            filter_tags=tags, map_colour=map_colour_for(tags, categories)
        )


DERIVED_FIELDS = (
    "match_key",
    "filter_tags",
    "map_colour",
    "map_point",
    "search_text",
    *MAP_CELL_DEGREES,
)
"""What `refresh_derived_fields` writes: a bulk writer saves these with the fields it changed."""


def refresh_derived_fields(org: Organisation, category_ids=None, categories=None) -> Organisation:
    """Fill match_key and search_text (and anything the map needs) from the editable fields.

    `categories` (`categories_in_order()`) spares a query per organisation in bulk loads."""
    org.match_key = match_key_for(org.name, org.commune_id)
    org.filter_tags = filter_tags_for(org, category_ids)
    if categories is None:
        linked = any(word.startswith("c") for word in org.filter_tags.split())
        categories = categories_in_order() if linked else []
    org.map_colour = map_colour_for(org.filter_tags, categories)
    org.map_point = map_point_for(org)
    commune_name = org.commune.name if org.commune_id and org.commune else ""
    org.search_text = fold(" ".join([org.name, commune_name, strip_tags(org.description or "")]))
    for name, cell in map_cells(org.latitude, org.longitude).items():
        setattr(org, name, cell)
    if not org.slug:
        org.slug = slugify(f"{org.name}-{commune_name}")[:200] or "organisation"
    return org
