"""The map page, its embeddable twin and the list fragment."""

import json
import re

import pytest
from django.urls import reverse

from tisser.directory.models import Organisation

from .map_helpers import fresh_map_cache, make_category, make_org  # noqa: F401

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)


def scripts(html: str) -> list[tuple[str, str]]:
    return SCRIPT.findall(html)


def assert_no_inline_script(html: str) -> None:
    """Every script is a file, or a data block (JSON) that browsers never run."""
    for attrs, body in scripts(html):
        if "src=" in attrs:
            assert not body.strip()
        else:
            assert re.search(r'type="application/(ld\+)?json"', attrs), attrs
    assert not re.search(r"\son[a-z]+=", html), "no event-handler attributes"


def map_config(html: str) -> dict:
    match = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the map configuration is passed with json_script"
    return json.loads(match.group(1))


@pytest.fixture
def actors():
    culture = make_category("culture", "Culture", "#663399")
    make_org("Café culturel", 50.63, 3.06, categories=[culture], is_member=True)
    make_org("Garage solidaire", 49.9, 2.3)
    make_org("Proposition secrète", 50.63, 3.06, status=Organisation.Status.PROPOSED)


def test_map_page_renders_with_its_config_and_no_inline_script(client, actors):
    response = client.get(reverse("directory:map"))
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_inline_script(html)
    config = map_config(html)
    assert config["dataUrl"] == reverse("directory:map_data")
    assert config["listUrl"] == reverse("directory:map_list")
    assert config["tilesUrl"] == ""  # tests are offline: the outlines are the background
    assert config["outlinesUrl"] == "/territoires/departements.geojson"
    assert config["categories"]["culture"] == {"name": "Culture", "color": "#663399"}
    for asset in (
        "leaflet/leaflet.js",
        "leaflet-markercluster/leaflet.markercluster.js",
        "directory/map.js",
        "leaflet/leaflet.css",
        "directory/map.css",
    ):
        assert f"/static/{asset}" in html
    # Without JavaScript the list is there already, unpublished actors never.
    assert "Café culturel" in html and "Garage solidaire" in html
    assert "Proposition secrète" not in html
    assert 'id="map-q"' in html and 'name="category"' in html and 'name="legal_form"' in html


def test_map_page_keeps_the_filters_of_its_address(client, actors, hauts_de_france):
    response = client.get(
        reverse("directory:map"),
        {
            "q": "café",
            "category": "culture",
            "member": "1",
            "territory": "dep-59",
            "legal_form": "scop",
        },
    )
    html = response.content.decode()
    assert 'value="café"' in html
    assert re.search(r'value="culture"\s+checked', html)
    assert re.search(r'id="map-member" name="member" value="1"\s*checked', html)
    assert 'value="dep-59"' in html and "Nord (59)" in html
    assert re.search(r'<option value="scop"\s*selected', html)
    assert (
        map_config(html)["filters"]
        == "q=caf%C3%A9&category=culture&territory=dep-59&legal_form=scop&member=1"
    )


def test_static_assets_are_served_from_the_xstatic_packages(client):
    from django.contrib.staticfiles import finders

    for asset in (
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "leaflet-markercluster/leaflet.markercluster.js",
        "leaflet-markercluster/MarkerCluster.css",
    ):
        path = finders.find(asset)
        assert path and "xstatic" in path, asset


def test_the_map_page_offers_the_embed_code_with_its_filters(client, actors):
    html = client.get(reverse("directory:map"), {"category": "culture"}).content.decode()
    assert "&lt;iframe src=&quot;http://testserver/carte/embed/?category=culture&quot;" in html


def test_embed_is_framable_by_any_site(client, actors):
    response = client.get(reverse("directory:embed"), {"category": "culture"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp
    assert csp.count("frame-ancestors") == 1
    assert "script-src 'self'" in csp
    html = response.content.decode()
    assert_no_inline_script(html)
    config = map_config(html)
    assert config["embed"] is True and config["filters"] == "category=culture"
    assert 'class="site-header"' not in html  # no chrome


def test_other_pages_stay_unframable(client, actors):
    response = client.get(reverse("directory:map"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors *" not in response.headers["Content-Security-Policy"]


def test_list_fragment_follows_bbox_and_filters(client, actors):
    url = reverse("directory:map_list")
    html = client.get(url, {"bbox": "2.9,50.5,3.2,50.7"}).content.decode()
    assert "Café culturel" in html and "Garage solidaire" not in html
    assert "<html" not in html  # a fragment
    assert 'href="/acteurs/' in html and ">Adhérent<" in html
    html = client.get(url, {"member": "1"}).content.decode()
    assert "Café culturel" in html and "Garage solidaire" not in html
    html = client.get(url, {"q": "zzz"}).content.decode()
    assert "0 acteur" in html


@pytest.mark.usefixtures("fresh_map_cache")
def test_list_lines_show_categories_by_position_commune_and_link(client, settings):
    """The list reads an organisation's categories from its filter words, in the order of
    their positions, and a renamed category shows at once even with the map cache on."""
    settings.TISSER_MAP_CACHE_SECONDS = 30
    second = make_category("zeta", "Alimentation", "#112233", position=2)
    first = make_category("alpha", "Mobilité", "#445566", position=1)
    org = make_org("Vélo-école", 50.63, 3.06, categories=[second, first])
    url = reverse("directory:map_list")
    row = client.get(url, {"format": "json"}).json()["results"][0]
    assert row["categories"] == ["Mobilité", "Alimentation"]
    assert row["url"] == reverse("directory:organisation", args=[org.slug])
    html = client.get(url).content.decode()
    assert html.index("Mobilité") < html.index("Alimentation") and "--dot: #445566" in html
    first.name = "Transports"
    first.save()
    row = client.get(url, {"format": "json"}).json()["results"][0]
    assert row["categories"] == ["Transports", "Alimentation"]


def test_list_is_paginated_with_a_count(client):
    for i in range(45):
        make_org(f"Acteur {i:02d}", 50.0, 3.0)
    url = reverse("directory:map_list")
    data = client.get(url, {"format": "json", "page": "3"}).json()
    assert (data["total"], data["page"], data["pages"]) == (45, 3, 3)
    assert [r["name"] for r in data["results"]] == [f"Acteur {i}" for i in range(40, 45)]
    html = client.get(url, {"page": "2"}).content.decode()
    assert "45 acteurs" in html and 'data-page="1"' in html and 'data-page="3"' in html
    assert client.get(url, {"page": "x", "format": "json"}).json()["page"] == 1
    assert client.get(url, {"page": "99", "format": "json"}).json()["page"] == 3


def test_list_rejects_a_bad_bbox(client):
    response = client.get(reverse("directory:map_list"), {"bbox": "nope"})
    assert response.status_code == 400


def test_nav_links_to_the_map(client):
    html = client.get("/").content.decode()
    assert f'href="{reverse("directory:map")}"' in html


@pytest.mark.parametrize("cap", [30, 40])  # the last page beyond / within the keys read
@pytest.mark.parametrize("q", ["", "acteur"])  # name index walked / matches read sorted
def test_a_long_list_says_more_than_the_cap(client, monkeypatch, q, cap):
    monkeypatch.setattr("tisser.directory.map.queries_list.LIST_COUNT_CAP", cap)
    for i in range(45):
        make_org(f"Acteur {i:02d}", 50.0, 3.0)
    make_org("Zèbre 99", 50.0, 3.0)  # not a match of the search
    url = reverse("directory:map_list")
    data = client.get(url, {"format": "json", "page": "2", "q": q}).json()
    assert (data["total"], data["capped"], data["pages"]) == (cap, True, 2)
    # Still the right names in the right order, whichever plan the database used. A search
    # lists the cap + 1 matches it read (here by id, so by name), not every match.
    last = min(40, cap + 1) if q else 40
    assert [r["name"] for r in data["results"]] == [f"Acteur {i:02d}" for i in range(20, last)]
    html = client.get(url, {"q": q}).content.decode()
    assert f"Plus de {cap} acteurs" in html and 'data-capped="1"' in html
