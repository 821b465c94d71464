"""Outlines as RFC 7946 asks: valid polygons whose outer rings wind counter-clockwise
(holes clockwise), coordinates on a fixed grid. Every outline Tisser stores or ships goes
through `clean_outline`: the shipped extract (`data/build.py`), the outlines fetched from
the geo API (`services.store_commune_outlines`) and those already stored (a migration).

Shapely (GEOS) does the geometry: snapping to the grid without creating
self-intersections, repairing those the source has (Meurthe-et-Moselle's simplified
outline crosses itself), and orienting the rings. No Django here: `build.py` imports it.
"""

from __future__ import annotations

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient


def _polygons(geometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry] if not geometry.is_empty else []
    if hasattr(geometry, "geoms"):  # MultiPolygon, or a GeometryCollection from make_valid
        return [p for part in geometry.geoms for p in _polygons(part)]
    return []  # lines or points left by a repair carry no area


def _merged(geometry):
    """The polygons of `geometry` (what a repair leaves may hold lines), wound
    counter-clockwise, as one Polygon or MultiPolygon."""
    polygons = [orient(p, sign=1.0) for p in _polygons(geometry) if p.area > 0]
    if not polygons:
        raise ValueError("the outline has no area")
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _as_lists(value, decimals: int):
    """GeoJSON lists; the snapped floats written with no more digits than the grid's."""
    if isinstance(value, tuple | list):
        return [_as_lists(v, decimals) for v in value]
    return round(value, decimals)


def clean_outline(geometry: dict, decimals: int = 5) -> dict:
    """A Polygon or MultiPolygon (GeoJSON dict) made valid, snapped to `decimals`
    (5: about 1 m) and wound counter-clockwise; ValueError when nothing of it has an area."""
    found = shape(geometry)
    if not found.is_valid:
        found = _merged(shapely.make_valid(found))
    snapped = shapely.set_precision(found, 10**-decimals)
    if not snapped.is_valid:  # parts touching along an edge after snapping: merge them
        snapped = shapely.make_valid(snapped)
    result = _merged(snapped)
    data = mapping(result)
    return {"type": data["type"], "coordinates": _as_lists(data["coordinates"], decimals)}


def is_clean(geometry: dict) -> bool:
    """Valid, and every outer ring counter-clockwise, every hole clockwise."""
    found = shape(geometry)
    return found.is_valid and all(
        p.exterior.is_ccw and not any(r.is_ccw for r in p.interiors) for p in _polygons(found)
    )
