"""The staff side in a real Chromium: the home's counts, every staff list on a 390 px
phone without sideways scrolling, the phone menu, and axe-core's verdict (0 serious or
critical violations) on every public page and the main staff pages."""

import io

import pytest
from django.core.management import call_command

from . import staff_data
from .browser import ROOT, axe_source, log_in, open_context, page_width, serious_violations

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_LISTS = [
    "/gestion/organisations/",
    "/gestion/personnes/",
    "/gestion/adhesions/",
    "/gestion/adhesions/paiements/",
    "/gestion/publications/abonnes/",
    "/gestion/publications/envois/",
]


def test_the_home_shows_what_waits_with_its_counts(browser, live_server, role_users):
    data = staff_data.build()
    context = open_context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server.url, role_users["editor"].email)
        page.goto(f"{live_server.url}/gestion/")
        for key, count in data["expected"].items():
            expect(page.locator(f'[data-home-item="{key}"] [data-count]')).to_have_text(str(count))
        expect(page.locator('[data-home-item="agenda-1"]')).to_contain_text("Fresque du handicap")
        expect(page.locator('[data-home-item="agenda-1"]')).to_contain_text("2 en liste d’attente")
        # A line leads to its list, already filtered.
        page.locator('[data-home-item="memberships-1"] a.stat').click()
        expect(page).to_have_url(f"{live_server.url}/gestion/adhesions/?status=pending")
        expect(page.locator(".list-summary")).to_contain_text("3 adhésions")
        # The staff bar's groups open without a framework; Escape closes them.
        page.goto(f"{live_server.url}/gestion/")
        group = page.locator("details.nav-group", has_text="Agenda")
        group.locator("summary").click()
        expect(group.get_by_role("link", name="Événements", exact=True)).to_be_visible()
        page.keyboard.press("Escape")
        expect(group.get_by_role("link", name="Événements", exact=True)).to_be_hidden()
    finally:
        context.close()


def test_every_staff_list_fits_a_phone(browser, live_server, role_users):
    data = staff_data.build(people=40)
    lists = STAFF_LISTS + [f"/gestion/evenements/{data['fresque'].pk}/participants/"]
    context = open_context(browser, width=390, height=844)
    page = context.new_page()
    try:
        log_in(page, live_server.url, role_users["editor"].email)
        for path in lists:
            page.goto(live_server.url + path)
            assert page_width(page) <= 390, path
            # Each row is a card that says what each value is; the headers are hidden.
            first_row = page.locator("table.responsive tbody tr").first
            expect(first_row).to_be_visible()
            box = first_row.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, path
            # Sorting stays possible without the column headers.
            expect(page.locator(".sort-control select")).to_be_visible()
        # The menu: one button on a phone, the navigation behind it.
        page.goto(f"{live_server.url}/gestion/")
        button = page.get_by_role("button", name="Menu")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(page.locator(".staff-bar")).to_be_hidden()
        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(page.locator(".staff-bar")).to_be_visible()
        assert page_width(page) <= 390
    finally:
        context.close()


def test_bulk_check_in_from_the_participants_list(browser, live_server, role_users):
    data = staff_data.build()
    fresque = data["fresque"]
    context = open_context(browser)
    page = context.new_page()
    try:
        log_in(page, live_server.url, role_users["editor"].email)
        page.goto(f"{live_server.url}/gestion/evenements/{fresque.pk}/participants/")
        page.get_by_label("Cocher toutes les lignes de cette page").check()
        expect(page.locator('[data-selected-count="bulk"]')).to_have_text("7")
        page.get_by_role("button", name="Pointer présent·e").click()
        expect(page.locator(".messages")).to_contain_text("5 personnes sont pointées présentes.")
    finally:
        context.close()
    from tisser.events.models import Attendance

    assert Attendance.objects.filter(registration__event=fresque, attended=True).count() == 5


PUBLIC_PAGES = [
    "/",
    "/carte/",
    "/carte/embed/",
    "/agenda/",
    "/agenda/proposer/",
    "/actualites/",
    "/ressources/",
    "/infolettre/",
    "/infolettre-inscription/",
    "/adhesion/",
    "/groupes/",
    "/assemblees/",
    "/observatoire/",
    "/sourcing/",
    "/proposer/",
    "/compte/connexion/",
    "/compte/inscription/",
    "/compte/mot-de-passe/oublie/",
]
STAFF_PAGES = [
    "/gestion/",
    "/gestion/composants/",
    "/gestion/organisations/",
    "/gestion/personnes/",
    "/gestion/propositions/",
    "/gestion/adhesions/",
    "/gestion/adhesions/paiements/",
    "/gestion/evenements/",
    "/gestion/publications/",
    "/gestion/publications/abonnes/",
    "/gestion/publications/envois/",
    "/gestion/assemblees/",
    "/gestion/observatoire/",
]


def _demo():
    quiet = {"stdout": io.StringIO()}
    for command in (
        "load_territories",
        "load_demo",
        "load_demo_memberships",
        "load_demo_events",
        "load_demo_governance",
        "load_demo_publications",
        "load_demo_observatory",
    ):
        call_command(command, **quiet)


def _detail_pages():
    """One page of each kind the demo has: an actor, an event, its registration form, an
    article, a resource, an assembly, an indicator, a territory, a newsletter."""
    from tisser.directory.models import Organisation
    from tisser.events.models import Event
    from tisser.governance.models import Assembly
    from tisser.observatory.models import Indicator
    from tisser.publications.models import Article, Newsletter, Resource

    actor = Organisation.objects.filter(status="published", latitude__isnull=False).first()
    event = Event.objects.filter(status="published", external_registration_url="").first()
    return [
        f"/acteurs/{actor.slug}/",
        f"/agenda/{event.slug}/",
        f"/agenda/{event.slug}/inscription/",
        f"/actualites/{Article.objects.first().slug}/",
        f"/ressources/{Resource.objects.first().slug}/",
        f"/assemblees/{Assembly.objects.exclude(status='draft').first().slug}/",
        f"/observatoire/indicateurs/{Indicator.objects.first().slug}/",
        "/observatoire/territoires/59/",
        f"/infolettre/{Newsletter.objects.filter(status='published').first().slug}/",
    ], [f"/gestion/evenements/{event.pk}/participants/", f"/gestion/evenements/{event.pk}/accueil/"]


def test_no_serious_accessibility_violation(browser, live_server, role_users, settings):
    """axe-core on every public page (and one of each detail page) and the main staff
    pages, at a desktop and a phone width, with the map's tiles on (their credit is a
    link in text) although nothing is fetched from outside."""
    source = axe_source()
    settings.TISSER_MAP_TILES_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    settings.TISSER_MAP_TILES_ATTRIBUTION = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    )
    _demo()
    details, staff_details = _detail_pages()
    editor = role_users["editor"]
    editor.first_name = "Élise"
    editor.save(update_fields=["first_name"])
    found = {}
    for width in (1280, 390):
        context = open_context(browser, width=width, bypass_csp=True)
        page = context.new_page()
        try:
            for path in PUBLIC_PAGES + details:
                page.goto(live_server.url + path)
                page.wait_for_load_state("networkidle")
                if violations := serious_violations(page, source):
                    found[(width, path)] = violations
            log_in(page, live_server.url, role_users["editor"].email)
            for path in STAFF_PAGES + staff_details:
                page.goto(live_server.url + path)
                page.wait_for_load_state("networkidle")
                if violations := serious_violations(page, source):
                    found[(width, path)] = violations
            if width == 1280:
                # The staff home on the demo network, for the staff guide.
                page.goto(f"{live_server.url}/gestion/")
                page.screenshot(path=str(ROOT / "docs" / "img" / "staff-home.png"))
        finally:
            context.close()
    assert found == {}
