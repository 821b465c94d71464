"""The map in a real Chromium: markers or clusters appear, a search updates the list."""

import random
import re

import pytest

from tisser.directory.models import Organisation

from .map_helpers import make_category, make_org

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network(transactional_db, hauts_de_france):
    from tisser.territories.models import Commune

    lille, amiens = Commune.objects.get(code="59350"), Commune.objects.get(code="80021")
    rng = random.Random(3)
    culture = make_category("culture", "Culture", "#663399")
    food = make_category("alimentation", "Alimentation", "#aa3300")
    for i in range(60):
        commune = lille if i % 2 else amiens
        make_org(
            f"Structure {i}",
            commune.latitude + rng.uniform(-0.01, 0.01),
            commune.longitude + rng.uniform(-0.01, 0.01),
            categories=[culture if i % 3 else food],
            is_member=i % 4 == 0,
            commune=commune,
        )
    make_org("Épicerie Solidaire de Wazemmes", 50.628, 3.055, categories=[food], commune=lille)
    make_org("Épicerie fantôme", 50.628, 3.055, status=Organisation.Status.PROPOSED)


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "favicon" not in (m.location or {}).get("url", "")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url)
    return page, problems


def test_map_shows_clusters_then_search_updates_the_list(browser, live_server, network):
    page, problems = open_page(browser, f"{live_server.url}/carte/")
    try:
        page.wait_for_selector("#map .server-cluster", timeout=15000)
        assert page.locator("#map").get_attribute("data-kind") == "clusters"
        assert page.locator("#map").get_attribute("data-total") == "61"
        # The département outlines are the background when no tiles are configured.
        expect(page.locator("#map")).to_have_attribute("data-outlines", "shown", timeout=15000)
        assert page.locator("#map .leaflet-outlines-pane path").count() > 90

        page.fill("#map-q", "epicerie")
        # (Playwright's expect waits from its own isolated world: no eval under our CSP.)
        expect(page.locator("#map-list .actor-item")).to_have_count(1, timeout=15000)
        expect(page.locator("#map-list")).to_contain_text("Wazemmes")
        assert "Épicerie fantôme" not in page.inner_text("#map-list")
        expect(page).to_have_url(re.compile(r"[?&]q=epicerie"))
        expect(page.locator("#map")).to_have_attribute("data-total", "1")

        # Territory autocomplete: type, the suggestions come, choosing one filters.
        page.fill("#map-q", "")
        page.fill("#map-territory", "Amien")
        expect(page.locator("#map-territory-options option[value='Amiens (80)']")).to_have_count(1)
        page.fill("#map-territory", "Amiens (80)")
        expect(page.locator("#map-territory-code")).to_have_value("80021")
        expect(page.locator("#map-list .map-count")).to_contain_text("30")
        expect(page).to_have_url(re.compile(r"[?&]territory=80021"))
        assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p]
        assert not problems, problems
    finally:
        page.close()


def test_a_shared_address_opens_the_same_view_with_points(browser, live_server, network):
    url = f"{live_server.url}/carte/?category=alimentation&lat=50.63&lng=3.06&zoom=15"
    page, problems = open_page(browser, url)
    try:
        page.wait_for_selector("#map .actor-marker", timeout=15000)
        assert page.locator("#map").get_attribute("data-kind") == "points"
        assert page.is_checked("#map-category-alimentation")
        # Markers are reachable with the keyboard and open a popup with the actor's link.
        marker = page.locator("#map .actor-marker").first
        marker.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".leaflet-popup a.popup-name", timeout=5000)
        href = page.get_attribute(".leaflet-popup a.popup-name", "href")
        assert href.startswith("/acteurs/")
        page.click(".leaflet-popup a.popup-name")
        page.wait_for_selector("h1")
        assert page.url.endswith(href)
        assert not problems, problems
    finally:
        page.close()


def test_the_list_goes_under_the_map_on_a_phone(browser, live_server, network):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        page.goto(f"{live_server.url}/carte/")
        page.wait_for_selector("#map .server-cluster", timeout=15000)
        map_box = page.locator("#map").bounding_box()
        list_box = page.locator("#map-list").bounding_box()
        assert list_box["y"] >= map_box["y"] + map_box["height"] - 1
        assert map_box["width"] <= 390
    finally:
        page.close()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_offline_the_outlines_show_beneath_tiles_that_do_not_load(
    browser, live_server, network, settings
):
    """The default configuration (a tile server) with no network: the tiles fail and the
    département outlines, beneath them, are what shows — nothing to configure."""
    settings.TISSER_MAP_TILES_URL = f"http://127.0.0.1:{_free_port()}/{{z}}/{{x}}/{{y}}.png"
    page, _problems = open_page(browser, f"{live_server.url}/carte/")
    try:
        expect(page.locator("#map")).to_have_attribute("data-outlines", "shown", timeout=15000)
        assert page.locator("#map .leaflet-tile-pane img").count() > 0  # tiles were asked
        assert page.locator("#map .leaflet-outlines-pane path").count() > 90
        pane = page.locator("#map .leaflet-outlines-pane")
        tiles = page.locator("#map .leaflet-tile-pane")
        assert int(pane.evaluate("e => getComputedStyle(e).zIndex")) < int(
            tiles.evaluate("e => getComputedStyle(e).zIndex")
        )
    finally:
        page.close()


def test_online_tiles_cover_the_map_and_the_outlines_are_not_fetched(
    browser, live_server, network, settings
):
    settings.TISSER_MAP_TILES_URL = (
        f"{live_server.url}/static/leaflet/images/layers.png?z={{z}}&x={{x}}&y={{y}}"
    )
    page, _problems = open_page(browser, f"{live_server.url}/carte/")
    outlines = []
    page.on("request", lambda r: outlines.append(r.url) if "geojson" in r.url else None)
    try:
        page.wait_for_selector("#map .leaflet-tile-loaded", timeout=15000)
        page.wait_for_timeout(5000)  # past the wait for a first tile
        assert page.locator("#map").get_attribute("data-outlines") is None
        assert outlines == []
    finally:
        page.close()
