"""The viewport data behind the public map: clusters at low zoom, points at high zoom."""

import random

import pytest
from django.urls import reverse

from tisser.directory.indexing import refresh_derived_fields
from tisser.directory.map.queries import MAX_POINTS, BBox, ViewportError, viewport
from tisser.directory.models import Organisation

from .map_helpers import fresh_map_cache, make_category, make_org  # noqa: F401

FRANCE = "-5.5,41,10,51.5"
LILLE = "3.00,50.60,3.12,50.66"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_map_cache")]


@pytest.fixture
def network():
    """40 actors around Lille and Amiens, some members, some in 'culture', some hidden."""
    rng = random.Random(7)
    culture = make_category("culture", color="#663399")
    food = make_category("alimentation", color="#aa3300", position=1)
    orgs = []
    for i in range(40):
        lat, lon = (50.63, 3.06) if i % 2 else (49.89, 2.30)
        orgs.append(
            make_org(
                f"Acteur {i}",
                lat + rng.uniform(-0.02, 0.02),
                lon + rng.uniform(-0.03, 0.03),
                categories=[culture] if i % 3 == 0 else [food],
                is_member=i % 4 == 0,
                legal_form="scop" if i % 5 == 0 else "association",
            )
        )
    make_org("Proposé secret", 50.63, 3.06, status=Organisation.Status.PROPOSED)
    make_org("Archivé secret", 50.63, 3.06, status=Organisation.Status.ARCHIVED)
    make_org("Sans position")
    return orgs


def get(client, **params):
    response = client.get(reverse("directory:map_data"), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_clusters_at_zoom_6_sum_to_the_published_count(client, network):
    data = get(client, bbox=FRANCE, zoom=6)
    assert data["kind"] == "clusters"
    assert sum(n for _lat, _lon, n in data["clusters"]) == data["total"] == 40
    # Lille and Amiens are more than a degree apart: at least two cells.
    assert len(data["clusters"]) >= 2


def test_cluster_position_is_the_mean_of_its_members(client, network):
    data = get(client, bbox=FRANCE, zoom=6)
    lille = [c for c in data["clusters"] if c[0] > 50.3]
    assert len(lille) == 1
    members = [o for o in network if o.latitude > 50.3]
    assert lille[0][2] == len(members)
    assert lille[0][0] == pytest.approx(sum(o.latitude for o in members) / len(members), abs=1e-4)
    assert lille[0][1] == pytest.approx(sum(o.longitude for o in members) / len(members), abs=1e-4)


@pytest.mark.parametrize("zoom", [3, 6, 8, 10, 12, 13, 16])
def test_every_zoom_band_counts_each_actor_once(client, network, zoom, monkeypatch):
    monkeypatch.setattr("tisser.directory.map.queries.MAX_POINTS", 10)
    data = get(client, bbox=FRANCE, zoom=zoom)
    assert data["kind"] == "clusters"
    assert data["total"] == 40


def test_few_actors_are_points_from_zoom_9(client, network):
    assert get(client, bbox=FRANCE, zoom=8)["kind"] == "clusters"
    data = get(client, bbox=FRANCE, zoom=9)
    assert data["kind"] == "points" and data["total"] == len(data["points"]) == 40


def test_clusters_follow_the_filters(client, network):
    expected = {
        "member": sum(1 for o in network if o.is_member),
        "category": sum(1 for o in network if o.categories.filter(slug="culture").exists()),
        "legal_form": sum(1 for o in network if o.legal_form == "scop"),
    }
    assert get(client, bbox=FRANCE, zoom=6, member="1")["total"] == expected["member"]
    assert get(client, bbox=FRANCE, zoom=6, category="culture")["total"] == expected["category"]
    assert get(client, bbox=FRANCE, zoom=6, legal_form="scop")["total"] == expected["legal_form"]
    both = get(client, bbox=FRANCE, zoom=6, category="culture,alimentation")
    assert both["total"] == 40  # two categories: each actor still counted once


def test_points_at_zoom_14_are_inside_the_bbox(client, network):
    data = get(client, bbox=LILLE, zoom=14)
    assert data["kind"] == "points"
    bbox = BBox.parse(LILLE)
    expected = {
        o.id
        for o in network
        if bbox.south <= o.latitude <= bbox.north and bbox.west <= o.longitude <= bbox.east
    }
    assert expected and {p[0] for p in data["points"]} == expected
    for pk, lat, lon, name, member, colour, slug in data["points"]:
        assert bbox.south <= lat <= bbox.north and bbox.west <= lon <= bbox.east
        org = Organisation.objects.get(pk=pk)
        assert (name, bool(member), slug) == (org.name, org.is_member, org.slug)
        assert colour == org.categories.get().color


def test_points_give_the_colour_of_the_first_category(client):
    first = make_category("a-first", color="#111111", position=0)
    second = make_category("b-second", color="#222222", position=5)
    make_org("Deux thèmes", 50.63, 3.06, categories=[second, first])
    (point,) = get(client, bbox=LILLE, zoom=15)["points"]
    assert point[5] == "#111111"


def test_points_follow_a_category_change_and_a_rename(client):
    """Each point's JSON is written at save: a category's new colour or position, and an
    organisation's new name (quotes and accents included), reach the map."""
    first = make_category("a-first", color="#111111", position=0)
    second = make_category("b-second", color="#222222", position=5)
    org = make_org("Deux thèmes", 50.63, 3.06, categories=[second, first])
    first.color = "#333333"
    first.save()
    assert get(client, bbox=LILLE, zoom=15)["points"][0][5] == "#333333"
    first.position = 9
    first.save()
    assert get(client, bbox=LILLE, zoom=15)["points"][0][5] == "#222222"
    second.delete()
    assert get(client, bbox=LILLE, zoom=15)["points"][0][5] == "#333333"
    org.name = 'Le « Vélo » dit "libre" \\ ici'
    refresh_derived_fields(org)
    org.save()
    (point,) = get(client, bbox=LILLE, zoom=15)["points"]
    assert point[0] == org.pk and point[3] == org.name and point[6] == org.slug


def test_unpublished_and_unlocated_actors_are_never_sent(client, network):
    for zoom in (6, 14):
        body = client.get(reverse("directory:map_data"), {"bbox": FRANCE, "zoom": zoom}).content
        assert b"secret" not in body
    # Even when asking for them: the public cannot choose the status.
    data = get(client, bbox=LILLE, zoom=14, status="proposed")
    assert all("secret" not in p[3] for p in data["points"])
    assert data["total"] == sum(1 for p in data["points"])


def test_search_filters_the_viewport(client, network):
    make_org("Épicerie solidaire", 50.631, 3.061)
    data = get(client, bbox=LILLE, zoom=14, q="epicerie")
    assert [p[3] for p in data["points"]] == ["Épicerie solidaire"]


def test_a_dense_viewport_falls_back_to_clusters(client, monkeypatch):
    monkeypatch.setattr("tisser.directory.map.queries.MAX_POINTS", 3)
    for i in range(5):
        make_org(f"Dense {i}", 50.63 + i * 0.001, 3.06)
    data = get(client, bbox=LILLE, zoom=14)
    assert data["kind"] == "clusters" and data["total"] == 5
    assert MAX_POINTS > 3  # the real limit is untouched


def test_exactly_max_points_are_still_points(client, monkeypatch):
    monkeypatch.setattr("tisser.directory.map.queries.MAX_POINTS", 3)
    for i in range(3):
        make_org(f"Dense {i}", 50.63 + i * 0.001, 3.06)
    data = get(client, bbox=LILLE, zoom=14)
    assert data["kind"] == "points" and data["total"] == len(data["points"]) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"zoom": 6},
        {"bbox": "1,2,3", "zoom": 6},
        {"bbox": "a,b,c,d", "zoom": 6},
        {"bbox": "5,41,-5,51", "zoom": 6},
        {"bbox": FRANCE, "zoom": "x"},
        {"bbox": "nan,41,5,51", "zoom": 6},
    ],
)
def test_bad_viewports_get_a_clear_error(client, params):
    response = client.get(reverse("directory:map_data"), params)
    assert response.status_code == 400
    assert response.json()["error"]


def test_bbox_is_clamped_to_the_world():
    assert BBox.parse("-500,-100,500,100") == BBox(-180.0, -90.0, 180.0, 90.0)
    with pytest.raises(ViewportError):
        BBox.parse("")


def test_viewport_reads_query_dicts_and_plain_dicts(network):
    assert viewport({"bbox": FRANCE, "zoom": "6"})["total"] == 40


@pytest.fixture
def map_cache(settings):
    settings.TISSER_MAP_CACHE_SECONDS = 30


@pytest.mark.usefixtures("map_cache")
def test_whole_map_clusters_are_cached_and_follow_changes(
    client, network, django_assert_num_queries
):
    first = get(client, bbox=FRANCE, zoom=6)
    with django_assert_num_queries(0):
        again = get(client, bbox="-4,42,9,51", zoom=6)  # another view, the same cells
    assert again["total"] == first["total"] == 40
    make_org("Nouvel acteur", 50.63, 3.06)  # a save: the cached clusters are dropped
    assert get(client, bbox=FRANCE, zoom=6)["total"] == 41
    Organisation.objects.filter(name="Nouvel acteur").delete()
    assert get(client, bbox=FRANCE, zoom=6)["total"] == 40


@pytest.mark.usefixtures("map_cache")
def test_cached_cells_are_those_touching_the_bbox(client, network):
    lille_only = get(client, bbox="2.9,50.3,3.3,50.9", zoom=6)
    assert lille_only["total"] == sum(1 for o in network if o.latitude > 50.3)
    # The same answer as the uncached query (with a search, nothing is cached).
    uncached = get(client, bbox="2.9,50.3,3.3,50.9", zoom=6, q="acteur")
    assert uncached["clusters"] == lille_only["clusters"]


def test_without_the_cache_every_request_reads_the_database(
    client, network, django_assert_num_queries
):
    get(client, bbox=FRANCE, zoom=6)
    with django_assert_num_queries(1):
        get(client, bbox=FRANCE, zoom=6)
