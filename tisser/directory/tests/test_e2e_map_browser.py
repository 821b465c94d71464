"""The cooperative map in a real browser (Playwright + Debian Chromium), end to end:

open the map, filter by a category, search, open an actor; propose a new actor through the
form; log in as staff and accept it in the moderation queue; find it published on the map
and on its own page. Local data only: the offline map background, no tiles.
"""

import os
import re

import pytest
from django.core import mail

from tisser.directory.contacts import services
from tisser.directory.models import Category, Organisation, OrganisationRevision, Proposal
from tisser.territories.models import Commune, Departement, Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "motdepasse-solide-42"
TIMEOUT = 15_000  # ms; generous for a loaded CI machine


@pytest.fixture
def network(make_user):
    """Two communes, three categories and three published, located actors."""
    region = Region.objects.create(code="32", name="Hauts-de-France", search_name="hauts de france")
    nord = Departement.objects.create(code="59", name="Nord", region=region, search_name="nord")
    lille = Commune.objects.create(
        code="59350",
        name="Lille",
        search_name="lille",
        departement=nord,
        region=region,
        postcodes="59000,59800",
        latitude=50.6311,
        longitude=3.0468,
        population=236000,
    )
    Commune.objects.create(
        code="59512",
        name="Roubaix",
        search_name="roubaix",
        departement=nord,
        region=region,
        postcodes="59100",
        latitude=50.6942,
        longitude=3.1746,
        population=98000,
    )
    for position, (slug, name) in enumerate(
        [("alimentation", "Alimentation"), ("mobilite", "Mobilité"), ("tiers-lieux", "Tiers-lieux")]
    ):
        Category.objects.create(name=name, slug=slug, position=position)
    actors = [
        ("Épicerie Solidaire de Wazemmes", "59350", 50.6270, 3.0500, ["alimentation"]),
        ("La Boîte à Vélos", "59350", 50.6350, 3.0600, ["mobilite"]),
        ("Tiers-Lieu de la Condition Publique", "59512", 50.6900, 3.1700, ["tiers-lieux"]),
    ]
    for name, commune, lat, lon, categories in actors:
        services.create_organisation(
            {
                "name": name,
                "commune": commune,
                "latitude": lat,
                "longitude": lon,
                "categories": categories,
                "description": f"<p>{name}, acteur de l’ESS.</p>",
                "status": Organisation.Status.PUBLISHED,
            }
        )
    editor = make_user("moderatrice@example.org", staff_role="editor", first_name="Mona")
    return {"lille": lille, "editor": editor}


def shot(page, name: str) -> None:
    """Full-page screenshots for a person to look at, when TISSER_E2E_SCREENSHOTS names a folder."""
    if folder := os.environ.get("TISSER_E2E_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def wait_for_list(page, expected: list[str]):
    """The list beside the map settles on exactly these actors (in any order)."""
    page.wait_for_function(
        """(expected) => {
            const names = Array.from(document.querySelectorAll('#map-list .actor-item .actor-name'))
                .map((a) => a.textContent.trim()).sort();
            return JSON.stringify(names) === JSON.stringify(expected.slice().sort());
        }""",
        arg=expected,
        timeout=TIMEOUT,
    )


def test_map_filter_search_propose_and_moderate(browser, live_server, network, settings):
    settings.TISSER_SITE_URL = live_server.url
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        # 1. The map, its markers and the list beside it.
        page.goto(f"{live_server.url}/carte/?lat=50.66&lng=3.1&zoom=11")
        page.wait_for_selector("#map .leaflet-pane", state="attached")
        wait_for_list(
            page,
            [
                "Épicerie Solidaire de Wazemmes",
                "La Boîte à Vélos",
                "Tiers-Lieu de la Condition Publique",
            ],
        )
        page.wait_for_function(
            # A function, not a bare expression: Playwright evaluates bare expressions with
            # eval, which the page's Content-Security-Policy rightly forbids.
            "() => document.getElementById('map').getAttribute('data-total') === '3'",
            timeout=TIMEOUT,
        )

        # 2. Filter by a category: the list and the shareable address follow.
        page.get_by_label("Mobilité").check()
        wait_for_list(page, ["La Boîte à Vélos"])
        page.wait_for_url(re.compile(r"category=mobilite"), timeout=TIMEOUT)
        page.get_by_label("Mobilité").uncheck()
        wait_for_list(
            page,
            [
                "Épicerie Solidaire de Wazemmes",
                "La Boîte à Vélos",
                "Tiers-Lieu de la Condition Publique",
            ],
        )

        # 3. Search, blind to accents and case.
        page.fill("#map-q", "EPICERIE")
        wait_for_list(page, ["Épicerie Solidaire de Wazemmes"])
        page.wait_for_url(re.compile(r"q=EPICERIE"), timeout=TIMEOUT)

        # 4. Open the actor's page.
        page.locator("#map-list .actor-name", has_text="Épicerie Solidaire").click()
        page.wait_for_selector("h1:has-text('Épicerie Solidaire de Wazemmes')")
        assert "acteur de l’ESS" in page.inner_text(".actor-description")

        # 5. Propose a new actor, from the map page's link.
        page.goto(f"{live_server.url}/carte/")
        page.click("a[href='/proposer/']")
        page.wait_for_selector("h1:has-text('Proposer un acteur')")
        page.fill("#id_name", "Recyclerie du Vieux-Lille")
        page.select_option("#id_legal_form", "association")
        page.fill("#id_address", "10 rue de la Monnaie")
        page.fill("#id_postcode", "59800")
        page.fill("#id_commune", "lille")
        page.get_by_label("Tiers-lieux").check()
        # The description is written in the rich-text editor (no image for a proposer).
        page.locator(".tiptap.ProseMirror").click()
        page.keyboard.type("Réemploi et réparation d’objets du quotidien.")
        assert page.locator(".rich-text-image").count() == 0
        page.fill("#id_proposer_name", "Camille Martin")
        page.fill("#id_proposer_email", "camille@example.org")
        page.check("#id_contact_consent")
        # The robot trap is a real text field, but off screen where no person meets it.
        trap = page.locator("#id_homepage")
        assert trap.get_attribute("type") == "text"
        box = trap.bounding_box()
        assert box is None or box["x"] + box["width"] <= 0
        shot(page, "propose-filled")
        page.click("button[type=submit].primary")
        page.wait_for_selector("h1:has-text('Merci pour votre proposition')")
        proposal = Proposal.objects.get()
        assert proposal.status == Proposal.Status.PENDING
        assert proposal.language == "fr"
        assert not Organisation.objects.filter(name="Recyclerie du Vieux-Lille").exists()

        # 6. Staff log in and accept it in the moderation queue.
        page.goto(f"{live_server.url}/gestion/propositions/")
        page.wait_for_url(re.compile(r"/compte/connexion/"))
        page.fill("#id_username", "moderatrice@example.org")
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit].primary")
        page.wait_for_url(re.compile(r"/gestion/propositions/$"))
        page.click("a:has-text('Recyclerie du Vieux-Lille')")
        page.wait_for_selector("h1:has-text('Proposition n°')")
        assert page.is_visible("td.diff-new:has-text('Recyclerie du Vieux-Lille')")
        shot(page, "moderation-detail")
        page.click("button[name=accept]")
        page.wait_for_selector(".message:has-text('Proposition acceptée')")
        shot(page, "moderation-queue-after")

        organisation = Organisation.objects.get(name="Recyclerie du Vieux-Lille")
        assert organisation.status == Organisation.Status.PUBLISHED
        assert organisation.commune_id == "59350"
        assert organisation.revisions.filter(
            source=OrganisationRevision.Source.PROPOSAL, author=network["editor"]
        ).exists()
        assert [m.to for m in mail.outbox] == [["camille@example.org"]]
        assert "acceptée" in mail.outbox[0].subject

        # 7. It is on the map (placed at the commune's centre) and on its own page.
        page.goto(f"{live_server.url}/carte/?q=recyclerie&lat=50.63&lng=3.05&zoom=12")
        wait_for_list(page, ["Recyclerie du Vieux-Lille"])
        page.locator("#map-list .actor-name", has_text="Recyclerie").click()
        page.wait_for_selector("h1:has-text('Recyclerie du Vieux-Lille')")
        assert page.url.endswith(f"/acteurs/{organisation.slug}/")
        assert "Tiers-lieux" in page.inner_text(".actor-page")
        assert errors == []
    finally:
        context.close()
