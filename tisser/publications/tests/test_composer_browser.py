"""In a real browser: staff write a newsletter block with the rich-text editor in the
composer; the run leaves a picture of the composer in docs/img/composer.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tisser.publications.models import Block

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "motdepasse-solide-42"
DOCS_IMG = Path(__file__).resolve().parents[3] / "docs" / "img"


def test_write_a_block_with_the_editor(
    browser, live_server, settings, simple_newsletter, make_user
):
    settings.SITE_URL = live_server.url
    make_user("redaction@example.org", staff_role="editor")
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        composer = reverse("publications:composer", args=[simple_newsletter.pk])
        page.goto(live_server.url + reverse("accounts:login") + "?next=" + composer)
        page.fill("#id_username", "redaction@example.org")
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**" + composer)
        page.select_option("#id_kind", "text")
        page.fill("#id_title", "Le mot de la présidente")
        editor = page.locator("#add-block ~ form .tiptap.ProseMirror")
        editor.click()
        page.keyboard.type("Chères adhérentes, chers adhérents, ")
        page.keyboard.press("Control+b")
        page.keyboard.type("merci")
        page.keyboard.press("Control+b")
        page.keyboard.type(" pour cette année.")
        page.keyboard.press("Enter")
        page.keyboard.type("L'assemblée générale")
        page.locator("#add-block ~ form button[data-name=orderedList]").click()
        editor.click()
        page.keyboard.press("End")
        page.keyboard.press("Enter")
        page.keyboard.type("La Rencontre des Solidaires")
        editor.scroll_into_view_if_needed()
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        page.evaluate("document.querySelector('#id_subtitle').scrollIntoView()")
        page.screenshot(path=str(DOCS_IMG / "composer.png"))
        page.get_by_role("button", name="Ajouter le bloc").click()
        page.wait_for_selector("text=Le bloc est enregistré.")
        block = Block.objects.get(title="Le mot de la présidente")
        assert block.body == (
            "<p>Chères adhérentes, chers adhérents, <strong>merci</strong> pour cette année.</p>"
            "<ol><li><p>L'assemblée générale</p></li><li><p>La Rencontre des Solidaires</p></li></ol>"
        )
    finally:
        context.close()
