"""Per-cell totals of the whole map: kept by triggers through every kind of write (on
PostgreSQL as deltas, folded later), counted again when the triggers were lost, and read
instead of the rows by the unfiltered whole map. On PostgreSQL, real concurrent writers of
one cell never wait for each other, and folding alongside them loses nothing.
"""

import io
import random
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import Avg, Count
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tisser.directory.contacts import services
from tisser.directory.demo import build_demo_network
from tisser.directory.demo import loader as demo_loader
from tisser.directory.imports import confirm_import, start_import
from tisser.directory.indexing import map_cells, refresh_derived_fields
from tisser.directory.map import totals as map_totals
from tisser.directory.map.queries import whole_map_aggregate
from tisser.directory.models import Organisation

from . import demo_fixtures
from .map_helpers import fresh_map_cache, make_org  # noqa: F401
from .test_import import GOOD, csv_bytes

hdf_communes = demo_fixtures.hdf_communes
pytestmark = pytest.mark.usefixtures("fresh_map_cache")

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="deltas and folding are PostgreSQL's"
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


def assert_totals_right(fold: bool = True) -> None:
    """The totals (with the deltas not folded yet) say what the rows say; on PostgreSQL
    again once the deltas are folded."""
    _assert_totals_right()
    if fold and connection.vendor == "postgresql":
        map_totals.fold_deltas()
        assert delta_rows() == 0
        _assert_totals_right()


def delta_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {map_totals.DELTAS}")
        return cursor.fetchone()[0]


def _assert_totals_right() -> None:
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


@pytest.mark.parametrize("big", [False, True])  # triggers row by row / counted at the end
def test_the_demo_loader_leaves_the_totals_right(hdf_communes, monkeypatch, big):
    if big:
        monkeypatch.setattr(demo_loader, "BIG_LOAD", 50)
    build_demo_network(size=150, seed=2)
    assert map_totals.installed()
    assert_totals_right()


def test_lost_triggers_are_restored_and_everything_counted_again(db):
    make_org("Avant", 50.63, 3.06)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {map_totals.TOTALS}_au")
        else:
            cursor.execute(f"DROP TRIGGER {map_totals.DELTAS}_ai ON directory_organisation")
    make_org("Pendant", 49.89, 2.30)  # not counted by anything
    assert not map_totals.installed()
    assert map_totals.whole_map_totals("map_cell_6") is None  # the map groups the rows then
    map_totals.install_map_totals(connection)
    map_totals.install_map_totals(connection)  # idempotent
    assert map_totals.installed()
    assert_totals_right()
    assert sum(n for *_, n in map_totals.whole_map_totals("map_cell_8")) == 2


def test_the_unfiltered_whole_map_reads_the_totals_not_the_rows(client, db, settings):
    settings.TISSER_MAP_CACHE_SECONDS = 0
    for i in range(12):
        make_org(f"Acteur {i}", 49.5 + i / 5, 2 + i / 7, is_member=i % 3 == 0)
    expected = whole_map_aggregate(QueryDict(), "map_cell_6")
    with CaptureQueriesContext(connection) as queries:
        data = client.get(reverse("directory:map_data"), {"bbox": FRANCE, "zoom": 6}).json()
    # No query reads the organisations (Django quotes the table it reads from).
    assert [q["sql"] for q in queries if '"directory_organisation"' in q["sql"]] == []
    assert [q["sql"] for q in queries if map_totals.TOTALS in q["sql"]]
    assert data["total"] == 12 and data["clusters"] == [row[:3] for row in expected]
    # A filter: the totals know none, so the rows are grouped.
    with CaptureQueriesContext(connection) as queries:
        data = client.get(
            reverse("directory:map_data"), {"bbox": FRANCE, "zoom": 6, "member": "1"}
        ).json()
    assert not [q["sql"] for q in queries if map_totals.TOTALS in q["sql"]]
    assert data["total"] == 4


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


# --- PostgreSQL: deltas, folding, concurrent writers ---------------------------------


def in_thread(work):
    """Run `work()` in a thread with its own database connection; return a `join()` that
    gives its result or raises its error."""
    outcome = {}

    def run():
        try:
            outcome["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()

    def join(timeout=30):
        thread.join(timeout)
        assert not thread.is_alive(), "the thread is still waiting"
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")

    return join


@postgres_only
@pytest.mark.postgres
def test_a_save_that_moves_nothing_adds_no_delta(db):
    org = make_org("Lille", 50.63, 3.06)
    map_totals.fold_deltas()
    org.name, org.description = "Lille Coop", "Renamed, not moved"
    org.save()
    Organisation.objects.filter(pk=org.pk).update(filter_tags="member1")
    assert delta_rows() == 0
    move(org, 50.64, 3.06)  # the same cells, another position: the sums change
    org.save()
    assert delta_rows() == len(map_totals.BANDS)
    assert_totals_right()


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writers_of_one_cell_never_wait_for_each_other():
    """An open transaction that wrote in Lille's cell (an import, say) does not hold up
    another writer of that cell, nor a reader of the whole map, nor a folder."""
    holding, release = threading.Event(), threading.Event()

    def long_writer():
        with transaction.atomic():
            make_org("Import en cours", 50.63, 3.06)
            holding.set()
            assert release.wait(30)

    def quick(work):
        def run():
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")  # blocked = an error, not a hang
            return work()

        return in_thread(run)()

    done = in_thread(long_writer)
    assert holding.wait(30)
    try:
        quick(lambda: make_org("Voisin", 50.64, 3.07))
        quick(map_totals.fold_deltas)
        totals = quick(lambda: map_totals.whole_map_totals("map_cell_6"))
        assert [n for *_, n in totals] == [1]  # the open import is not seen yet
    finally:
        release.set()
    done()
    assert_totals_right()
    assert sum(n for *_, n in map_totals.whole_map_totals("map_cell_6")) == 2


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_folders_lose_nothing():
    """Four writers insert, move and delete actors across cells in random orders, in
    transactions of several writes, while two folders fold: no deadlock, no error, and
    the totals say what the rows say."""
    places = [(50.63, 3.06), (49.89, 2.30), (50.29, 2.78), (48.85, 2.35), (50.95, 1.85)]

    def writer(seed):
        rng = random.Random(seed)
        mine = []
        for round_ in range(8):
            with transaction.atomic():
                for _ in range(3):
                    action = rng.random()
                    if action < 0.6 or not mine:
                        lat, lon = rng.choice(places)
                        mine.append(make_org(f"W{seed}-{round_}", lat, lon))
                    elif action < 0.85:
                        org = rng.choice(mine)
                        move(org, *rng.choice(places))
                        org.save()
                    else:
                        mine.pop(rng.randrange(len(mine))).delete()
        return len(mine)

    def folder():
        folded = 0
        for _ in range(15):
            folded += map_totals.fold_deltas() or 0
            time.sleep(0.01)
        return folded

    joins = [in_thread(lambda s=s: writer(s)) for s in range(4)] + [
        in_thread(folder) for _ in range(2)
    ]
    results = [join(120) for join in joins]
    kept = sum(results[:4])
    assert Organisation.objects.count() == kept
    assert_totals_right()
    assert sum(n for *_, n in map_totals.whole_map_totals("map_cell_8")) == kept


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_folder_at_a_time():
    make_org("Lille", 50.63, 3.06)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [map_totals.FOLD_LOCK])
        assert in_thread(map_totals.fold_deltas)() is None  # another folder is at work
    assert map_totals.fold_deltas() == len(map_totals.BANDS)
    assert map_totals.fold_deltas() == 0
    assert_totals_right()


@postgres_only
@pytest.mark.postgres
def test_the_periodic_task_folds(db, settings):
    from tisser.celery import app
    from tisser.directory import tasks

    make_org("Lille", 50.63, 3.06)
    assert delta_rows() == len(map_totals.BANDS)
    tasks.fold_map_totals.apply()
    assert delta_rows() == 0
    assert_totals_right(fold=False)
    schedule = app.conf.beat_schedule
    assert any(e["task"] == tasks.fold_map_totals.name for e in schedule.values()), schedule
