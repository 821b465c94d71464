"""Per-cell totals of the whole map (SQLite): kept by triggers through every kind of write,
counted again when the triggers were lost, and read instead of the rows by the unfiltered
whole map. PostgreSQL keeps none and groups the rows (map_totals.py says why).
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Avg, Count
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tisser.directory import map_totals, services
from tisser.directory.demo import build_demo_network
from tisser.directory.demo import loader as demo_loader
from tisser.directory.imports import confirm_import, start_import
from tisser.directory.indexing import map_cells, refresh_derived_fields
from tisser.directory.map_queries import whole_map_aggregate
from tisser.directory.models import Organisation

from . import demo_fixtures
from .map_helpers import fresh_map_cache, make_org  # noqa: F401
from .test_import import GOOD, csv_bytes

hdf_communes = demo_fixtures.hdf_communes
pytestmark = pytest.mark.usefixtures("fresh_map_cache")

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the per-cell totals are SQLite's (PostgreSQL groups the rows: map_totals.py)",
)
FRANCE = "-5.5,41,10,51.5"


def grouped(column: str) -> dict[int, tuple]:
    """What the GROUP BY over the rows says, cell -> (count, mean latitude, mean longitude)."""
    rows = (
        Organisation.objects.filter(status=Organisation.Status.PUBLISHED)
        .exclude(**{column: None})
        .values(column)
        .annotate(n=Count("*"), lat=Avg("latitude"), lon=Avg("longitude"))
        .order_by()
    )
    return {r[column]: (r["n"], r["lat"], r["lon"]) for r in rows}


def assert_totals_right() -> None:
    for column in map_totals.BANDS:
        kept = {cell: (n, lat, lon) for cell, lat, lon, n in map_totals.whole_map_totals(column)}
        expected = grouped(column)
        assert kept.keys() == expected.keys(), column
        for cell, (n, lat, lon) in expected.items():
            assert kept[cell][0] == n, (column, cell)
            assert kept[cell][1:] == pytest.approx((lat, lon), abs=1e-9), (column, cell)


def move(org, lat, lon) -> None:
    org.latitude, org.longitude = lat, lon
    for name, cell in map_cells(lat, lon).items():
        setattr(org, name, cell)


@sqlite_only
def test_the_totals_follow_every_kind_of_write(
    communes, categories, make_user, django_capture_on_commit_callbacks
):
    editor = make_user("e@example.org")
    lille = make_org("Lille", 50.63, 3.06)
    make_org("Amiens", 49.89, 2.30)
    make_org("Proposé", 50.63, 3.06, status=Organisation.Status.PROPOSED)
    make_org("Sans position")
    assert_totals_right()
    assert sum(n for *_, n in map_totals.whole_map_totals("map_cell_6")) == 2

    org = services.create_organisation({"name": "Arras", "latitude": 50.29, "longitude": 2.78})
    assert_totals_right()
    services.update_organisation(org, {"latitude": 48.85, "longitude": 2.35})  # moves cell
    assert_totals_right()
    services.update_organisation(org, {"latitude": None, "longitude": None})  # unlocated
    assert_totals_right()
    services.update_organisation(org, {"latitude": 50.3, "longitude": 2.8})
    services.archive_organisation(org, author=editor)
    assert_totals_right()
    services.update_organisation(org, {"status": Organisation.Status.PUBLISHED})
    assert_totals_right()

    dup = services.create_organisation({"name": "Lille bis", "latitude": 50.6, "longitude": 3.1})
    services.merge_organisations(lille, dup, author=editor)  # the duplicate is deleted
    assert_totals_right()

    bulk = []
    for i in range(5):
        new = Organisation(name=f"Vrac {i}", slug=f"vrac-{i}", latitude=50 + i / 10, longitude=3)
        refresh_derived_fields(new)
        bulk.append(new)
    bulk = Organisation.objects.bulk_create(bulk)
    assert_totals_right()
    for new in bulk:
        move(new, new.latitude - 1.5, 1.0)
    Organisation.objects.bulk_update(bulk, ["latitude", "longitude", *map_totals.BANDS])
    assert_totals_right()
    Organisation.objects.filter(name__startswith="Vrac").update(status="archived")
    assert_totals_right()
    Organisation.objects.filter(name__startswith="Vrac").update(status="published")
    Organisation.objects.filter(name="Vrac 0").delete()
    assert_totals_right()

    job = start_import("orgs.csv", csv_bytes(GOOD), author=make_user("i@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        confirm_import(job)
    assert_totals_right()

    Organisation.objects.all().delete()
    assert map_totals.whole_map_totals("map_cell_6") is None  # nothing counted: group rows
    assert grouped("map_cell_6") == {}


@sqlite_only
@pytest.mark.parametrize("big", [False, True])  # triggers row by row / counted at the end
def test_the_demo_loader_leaves_the_totals_right(hdf_communes, monkeypatch, big):
    if big:
        monkeypatch.setattr(demo_loader, "BIG_LOAD", 50)
    build_demo_network(size=150, seed=2)
    assert map_totals.installed()
    assert_totals_right()


@sqlite_only
def test_lost_triggers_are_restored_and_everything_counted_again(db):
    make_org("Avant", 50.63, 3.06)
    with connection.cursor() as cursor:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER {map_totals.TOTALS}_{suffix}")
    make_org("Pendant", 49.89, 2.30)  # not counted by anything
    assert not map_totals.installed()
    assert map_totals.whole_map_totals("map_cell_6") is None  # the map groups the rows then
    map_totals.install_map_totals(connection)
    map_totals.install_map_totals(connection)  # idempotent
    assert map_totals.installed()
    assert_totals_right()
    assert sum(n for *_, n in map_totals.whole_map_totals("map_cell_8")) == 2


@sqlite_only
def test_the_unfiltered_whole_map_reads_the_totals_not_the_rows(client, db, settings):
    settings.TISSER_MAP_CACHE_SECONDS = 0
    for i in range(12):
        make_org(f"Acteur {i}", 49.5 + i / 5, 2 + i / 7, is_member=i % 3 == 0)
    expected = whole_map_aggregate(QueryDict(), "map_cell_6")
    with CaptureQueriesContext(connection) as queries:
        data = client.get(reverse("directory:map_data"), {"bbox": FRANCE, "zoom": 6}).json()
    assert [q["sql"] for q in queries if "directory_organisation" in q["sql"]] == []
    assert [q["sql"] for q in queries if map_totals.TOTALS in q["sql"]]
    assert data["total"] == 12 and data["clusters"] == [row[:3] for row in expected]
    # A filter: the totals know none, so the rows are grouped.
    with CaptureQueriesContext(connection) as queries:
        data = client.get(
            reverse("directory:map_data"), {"bbox": FRANCE, "zoom": 6, "member": "1"}
        ).json()
    assert not [q["sql"] for q in queries if map_totals.TOTALS in q["sql"]]
    assert data["total"] == 4


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's side")
def test_postgresql_keeps_no_totals_and_groups_the_rows(client, db, settings):
    settings.TISSER_MAP_CACHE_SECONDS = 0
    make_org("Lille", 50.63, 3.06)
    assert map_totals.whole_map_totals("map_cell_6") is None
    assert not map_totals.installed()
    assert map_totals.TOTALS not in connection.introspection.table_names()
    data = client.get(reverse("directory:map_data"), {"bbox": FRANCE, "zoom": 6}).json()
    assert data["total"] == 1


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_flush_and_a_restore_leave_the_totals_right(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_org("Lille", 50.63, 3.06)
    make_org("Amiens", 49.89, 2.30)
    archive = tmp_path / "sauvegarde.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    assert map_totals.whole_map_totals("map_cell_6") is None  # nothing left to count
    call_command("restore", str(archive), stdout=io.StringIO())
    assert_totals_right()
    assert sum(n for *_, n in map_totals.whole_map_totals("map_cell_6")) == 2
