"""The online membership form in a real browser (Playwright + Debian Chromium): bad input
is explained and kept, the corrected request is recorded as pending, staff validate it
from their list and the organisation wears the member badge on its public page."""

import pytest

from tisser.directory.models import Organisation
from tisser.memberships.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "motdepasse-solide-42"
TIMEOUT = 15_000


def test_join_with_bad_input_kept_then_staff_validate(
    browser, live_server, settings, years, colleges, fees, communes, make_user
):
    settings.TISSER_SITE_URL = live_server.url
    make_user("equipe@example.org", staff_role="editor")
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{live_server.url}/adhesion/")
        page.get_by_label("Nom de la structure").fill("Les Cabanes Inspirées")
        page.get_by_label("SIRET").fill("123 456 789 00000")
        page.get_by_label("Forme juridique").select_option("association")
        page.get_by_label("Code postal").fill("590")
        page.get_by_label("Commune").fill("Lille")
        page.get_by_label("Structures de l'ESS").check()
        page.get_by_label("Prénom").fill("Alix")
        page.locator("#id_last_name").fill("Bois")
        page.locator("#id_email").fill("alix@cabanes.example.org")
        page.get_by_role("button", name="Envoyer ma demande d’adhésion").click()

        page.wait_for_selector(".form-errors")
        assert "SIRET n’est pas valide" in page.content()
        assert "5 chiffres" in page.content()
        # what was typed is still there
        assert page.get_by_label("Nom de la structure").input_value() == "Les Cabanes Inspirées"
        assert page.locator("#id_email").input_value() == "alix@cabanes.example.org"
        assert page.get_by_label("Structures de l'ESS").is_checked()
        assert not Organisation.objects.exists()

        page.get_by_label("SIRET").fill("")
        page.get_by_label("Code postal").fill("59000")
        page.get_by_label("J’accepte").check()
        page.get_by_role("button", name="Envoyer ma demande d’adhésion").click()
        page.wait_for_selector("text=Merci !")
        membership = Membership.objects.get()
        assert membership.status == "pending"
        assert membership.organisation.commune == communes["lille"]

        # staff validate from the list of pending memberships
        page.goto(f"{live_server.url}/gestion/adhesions/?status=pending")
        page.fill("#id_username", "equipe@example.org")
        page.fill("#id_password", PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_selector("text=Les Cabanes Inspirées")
        page.get_by_role("button", name="Valider Les Cabanes Inspirées").click()
        page.wait_for_selector(".message")
        membership.refresh_from_db()
        assert membership.status == "validated"
        org = Organisation.objects.get()
        assert org.is_member
        page.goto(f"{live_server.url}/acteurs/{org.slug}/")
        assert page.locator(".badge.member").first.is_visible()
        assert errors == []
    finally:
        context.close()
