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


def refresh_derived_fields(org: Organisation) -> Organisation:
    """Fill match_key and search_text (and anything the map needs) from the editable fields."""
    org.match_key = match_key_for(org.name, org.commune_id)
    commune_name = org.commune.name if org.commune_id and org.commune else ""
    org.search_text = fold(" ".join([org.name, commune_name, strip_tags(org.description or "")]))
    for name, cell in map_cells(org.latitude, org.longitude).items():
        setattr(org, name, cell)
    if not org.slug:
        org.slug = slugify(f"{org.name}-{commune_name}")[:200] or "organisation"
    return org
