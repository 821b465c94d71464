"""Outlines as RFC 7946 asks, checked with Shapely (GEOS) rather than our own code: valid,
outer rings counter-clockwise, holes clockwise; the shipped extract, fetched outlines and
outlines stored before this rule (the migration) alike."""

import importlib
import json

from django.apps import apps
from shapely.geometry import shape

from tisser.territories import reference
from tisser.territories.geometry import clean_outline, is_clean
from tisser.territories.models import Departement, Region

CLOCKWISE_SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
BOW_TIE = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}


def test_every_shipped_outline_is_valid_and_counter_clockwise():
    for level in ("departements", "regions"):
        outlines = reference.outlines(level)
        assert len(outlines) in (96, 13)
        for code, text in outlines.items():
            geometry = shape(json.loads(text))
            assert geometry.is_valid, (level, code)
            polygons = [geometry] if geometry.geom_type == "Polygon" else list(geometry.geoms)
            assert all(p.exterior.is_ccw for p in polygons), (level, code)
            assert not any(r.is_ccw for p in polygons for r in p.interiors), (level, code)


def test_meurthe_et_moselle_no_longer_crosses_itself():
    assert shape(json.loads(reference.outlines("departements")["54"])).is_valid


def test_clean_outline_winds_repairs_and_keeps_the_area():
    square = clean_outline(CLOCKWISE_SQUARE)
    assert shape(square).exterior.is_ccw and shape(square).area == 1
    tie = clean_outline(BOW_TIE)
    assert tie["type"] == "MultiPolygon" and is_clean(tie) and shape(tie).area == 2
    assert not is_clean(CLOCKWISE_SQUARE) and not is_clean(BOW_TIE)


def test_the_migration_cleans_outlines_stored_before(db):
    region = Region.objects.create(code="99", name="Essai")
    departement = Departement.objects.create(
        code="99", name="Essai", region=region, outline=json.dumps(CLOCKWISE_SQUARE)
    )
    module = importlib.import_module(
        "tisser.territories.migrations.0003_outlines_counter_clockwise"
    )
    module.clean_stored_outlines(apps, None)
    departement.refresh_from_db()
    assert is_clean(json.loads(departement.outline))
