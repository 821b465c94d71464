"""The language switch keeps the page, works from the keyboard, and English is complete."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_language_switch_keeps_the_page(client):
    page = reverse("accounts:login") + "?next=/carte/"
    html = client.get(page).content.decode()
    assert f'name="next" type="hidden" value="{page}"' in html.replace("&amp;", "&")
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    english = client.get(page).content.decode()
    assert 'lang="en"' in english and "<h1>Log in</h1>" in english
    # The switch now offers French, named in French.
    assert 'value="fr" class="link-button" lang="fr">français</button>' in english


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, english, french",
    [
        ("accounts:login", "Forgot your password?", "Mot de passe oublié\u00a0?"),
        ("accounts:signup", "Create my account", "Créer mon compte"),
        ("accounts:password_reset", "Send the link", "Envoyer le lien"),
        ("accounts:resend_verification", "Send a new link", "Envoyer un nouveau lien"),
    ],
)
def test_account_pages_in_both_languages(client, name, english, french):
    assert french in client.get(reverse(name)).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert english in client.get(reverse(name)).content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_language_switch_by_keyboard_in_a_real_browser(browser, live_server):
    page = browser.new_page(locale="fr-FR")
    try:
        page.goto(f"{live_server.url}/compte/connexion/?next=/carte/")
        assert page.get_attribute("html", "lang") == "fr"
        for _press in range(30):  # Tab until the switch has the focus
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.name === 'language'"):
                break
        else:
            pytest.fail("the language switch cannot be reached with the Tab key")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.get_attribute("html", "lang") == "en"
        assert page.url == f"{live_server.url}/compte/connexion/?next=/carte/"
        assert page.text_content("h1") == "Log in"
    finally:
        page.close()
