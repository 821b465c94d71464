"""The observatory and sourcing in a real browser (Playwright + Debian Chromium):

a visitor opens the waste indicator, sees the map, switches to the table, sorts it and
exports it; a buyer searches suppliers within 30 km of Albert (80016), saves a shortlist
and exports it. Local data only (no tiles).
"""

import csv
import io
import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 15_000


def shot(page, name):
    if folder := os.environ.get("TISSER_E2E_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"obs-{name}.png"), full_page=True)


def read_download(download) -> str:
    with open(download.path(), encoding="utf-8-sig") as f:
        return f.read()


def test_visitor_map_table_sort_export_and_buyer_shortlist(browser, live_server, waste, suppliers):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        # The visitor: the observatory, the waste indicator as a map.
        page.goto(f"{live_server.url}/observatoire/")
        page.get_by_role("link", name="Déchets ménagers").click()
        page.wait_for_selector("#obs-map[data-ready='1']", state="attached")
        assert page.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane svg").count()
        swatch = page.locator(".obs-legend .swatch").first
        assert swatch.evaluate("(s) => getComputedStyle(s).backgroundColor") != "rgba(0, 0, 0, 0)"
        shot(page, "map")

        # … switches to the table, sorts it by territory name, and exports it.
        page.locator("#tab-table").click()
        page.wait_for_selector("#obs-table")
        first_cells = page.locator("#obs-table tbody tr td:nth-child(2)").all_inner_texts()
        assert first_cells[0] == "Oise"  # by value, highest first
        page.locator("#sort-name").click()
        page.wait_for_url("**tri=name**")
        names = page.locator("#obs-table tbody tr td:nth-child(2)").all_inner_texts()
        assert names == ["Aisne", "Nord", "Oise", "Pas-de-Calais", "Somme"]
        shot(page, "table")
        with page.expect_download() as info:
            page.locator("#export-csv").click()
        rows = list(csv.reader(io.StringIO(read_download(info.value)), delimiter=";"))
        assert rows[0][0] == "code_insee"
        assert [r[1] for r in rows[1:]] == names  # the export follows the table's order

        # The buyer: suppliers within 30 km of Albert.
        page.goto(f"{live_server.url}/sourcing/")
        page.locator("#s-commune").fill("Albert")
        page.locator("#s-km").fill("30")
        page.locator("#sourcing-search").click()
        page.wait_for_selector("#sourcing-map[data-ready='1']", state="attached")
        found = page.locator(".supplier-list li strong").all_inner_texts()
        assert found == [
            "Ressourcerie du Coquelicot",
            "Atelier Adapté de Péronne",
            "Jardins d'Amiens",
        ]
        assert page.locator("#sourcing-map .leaflet-interactive").count() >= 3
        shot(page, "sourcing")
        # Keep two of them and save the shortlist.
        page.get_by_label("Atelier Adapté de Péronne").uncheck()
        page.locator("#shortlist-name").fill("Collecte textile Pays du Coquelicot")
        page.locator("#shortlist-save").click()
        page.wait_for_selector("#share-url")
        assert "Collecte textile" in page.locator("h1").inner_text()
        share = page.locator("#share-url").input_value()
        assert "/sourcing/selection/" in share
        with page.expect_download() as info:
            page.locator("#export-csv").click()
        rows = list(csv.reader(io.StringIO(read_download(info.value)), delimiter=";"))
        assert [r[0] for r in rows[1:]] == ["Jardins d'Amiens", "Ressourcerie du Coquelicot"]
        with page.expect_download() as info:
            page.locator("#export-pdf").click()
        with open(info.value.path(), "rb") as f:
            assert f.read(4) == b"%PDF"
        shot(page, "shortlist")
        # The shared link opens the same shortlist in another browser session.
        other = browser.new_context(locale="fr-FR").new_page()
        other.goto(share)
        assert "Collecte textile" in other.locator("h1").inner_text()
        other.context.close()
        assert errors == []
    finally:
        context.close()


def test_commune_map_joins_values_to_the_fetched_outlines(browser, live_server, waste):
    """Commune level: the outlines stored by `fetch_commune_outlines` (here from the shared
    GeoJSON of Hauts-de-France) are drawn; communes without one become dots."""
    from django.core.management import call_command

    from .conftest import GEO

    if GEO is None:
        pytest.skip("shared/geo (the shared reference files) is absent")
    page = browser.new_page()
    try:
        # No outline fetched yet: every commune of the Somme is a dot at its centre.
        url = f"{live_server.url}/observatoire/indicateurs/{waste.slug}/?niveau=commune&departement=80"
        page.goto(url)
        page.wait_for_selector("#obs-map[data-ready='1']", state="attached")
        assert page.locator("#obs-map").get_attribute("data-outlines") == "0"
        assert int(page.locator("#obs-map").get_attribute("data-dots")) > 700
        call_command(
            "fetch_commune_outlines",
            file=f"{GEO}/communes-hauts-de-france.geojson",
            departements=["80"],
        )
        page.close()  # a new page: the first answer (no outline) may sit in the HTTP cache
        page = browser.new_context().new_page()
        page.goto(url)
        page.wait_for_selector("#obs-map[data-ready='1']", state="attached")
        assert int(page.locator("#obs-map").get_attribute("data-outlines")) > 700
        assert page.locator("#obs-map").get_attribute("data-dots") == "0"
    finally:
        page.close()
