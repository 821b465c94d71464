"""Sign-up and login in a real Chromium, keyboard only; errors reach screen readers."""

import pytest

from tisser.accounts.models import User


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_signup_by_keyboard_with_errors_tied_to_their_fields(browser, live_server):
    User.objects.create_user(email="pris@example.org", password="motdepasse-solide-42")
    page = browser.new_page(locale="fr-FR")
    try:
        page.goto(f"{live_server.url}/compte/inscription/")
        page.focus("#id_email")
        page.keyboard.type("PRIS@example.org")
        for text in ("Zoé", "Zèbre", "court", "autre"):  # first, last name, passwords
            page.keyboard.press("Tab")
            page.keyboard.type(text)
        with page.expect_navigation():
            page.keyboard.press("Enter")

        assert page.get_attribute("#form-errors", "role") == "alert"
        email = page.locator("#id_email")
        assert email.input_value() == "PRIS@example.org"  # nothing typed is lost
        assert email.get_attribute("aria-invalid") == "true"
        described = email.get_attribute("aria-describedby")
        assert "Un compte existe déjà" in page.text_content(f"#{described}")
        mismatch = page.locator("#id_password2").get_attribute("aria-describedby")
        assert "différents" in page.text_content(f"#{mismatch}")
        assert page.locator("#id_first_name").input_value() == "Zoé"
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_login_by_keyboard_lands_on_the_requested_page(browser, live_server):
    User.objects.create_user(email="clavier@example.org", password="motdepasse-solide-42")
    page = browser.new_page(locale="fr-FR")
    try:
        page.goto(f"{live_server.url}/compte/connexion/?next=/compte/profil/")
        assert page.evaluate("document.activeElement.id") == "id_username"  # autofocus
        page.keyboard.type("Clavier@Example.org")
        page.keyboard.press("Tab")
        page.keyboard.type("motdepasse-solide-42")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/compte/profil/")
        assert page.text_content("h1") == "Mon profil"
    finally:
        page.close()
