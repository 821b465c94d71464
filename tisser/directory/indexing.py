"""Derived columns of an organisation, recomputed before every save (services, imports, demo).

Kept in one place so that every door into the directory fills them the same way.
"""

from django.utils.html import strip_tags
from django.utils.text import slugify

from tisser.core.text import fold

from .models import Organisation


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
    if not reverse:
        instance.filter_tags = filter_tags_for(instance)
        Organisation.objects.filter(pk=instance.pk).update(filter_tags=instance.filter_tags)
        return
    ids = pk_set if action != "post_clear" else getattr(instance, "_tisser_cleared", [])
    for org in Organisation.objects.filter(pk__in=ids).select_related("commune"):
        Organisation.objects.filter(pk=org.pk).update(filter_tags=filter_tags_for(org))


def refresh_derived_fields(org: Organisation, category_ids=None) -> Organisation:
    """Fill match_key and search_text (and anything the map needs) from the editable fields."""
    org.match_key = match_key_for(org.name, org.commune_id)
    org.filter_tags = filter_tags_for(org, category_ids)
    commune_name = org.commune.name if org.commune_id and org.commune else ""
    org.search_text = fold(" ".join([org.name, commune_name, strip_tags(org.description or "")]))
    for name, cell in map_cells(org.latitude, org.longitude).items():
        setattr(org, name, cell)
    if not org.slug:
        org.slug = slugify(f"{org.name}-{commune_name}")[:200] or "organisation"
    return org
