"""In a real browser (Playwright + Debian Chromium), under the site's strict
Content-Security-Policy: staff write an event description with the rich-text editor
(heading, bold, list, an image uploaded with its description), paste a word processor's
HTML, save, and read it on the public page; without JavaScript the field is a textarea."""

import re

import pytest
from django.urls import reverse
from PIL import Image

from tisser.events.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 15_000
PASSWORD = "motdepasse-solide-42"

# What Word puts on the clipboard, trimmed: classes, inline styles, conditional comments,
# an <o:p> element, a font tag and a span soup around one bold word.
WORD_HTML = (
    "<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><style>p.MsoNormal"
    "{margin:0}</style></head><body><!--StartFragment--><p class=MsoNormal "
    "style='margin-bottom:0cm;line-height:normal'><span style='font-family:Calibri'>"
    "Venez <b><span style='color:red'>nombreux</span></b> à la Maison de l'ESS"
    "<o:p></o:p></span></p><p class=MsoNormal><font face=Arial>Entrée libre</font></p>"
    "<!--EndFragment--></body></html>"
)


def _photo(path):
    """A 3000 × 2000 JPEG (larger than what the site keeps) with EXIF data."""
    image = Image.new("RGB", (3000, 2000), (31, 107, 74))
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


def login(page, base, email, next_path):
    page.goto(base + reverse("accounts:login") + "?next=" + next_path)
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**" + next_path)


def test_write_an_event_description_with_the_editor(
    browser, live_server, settings, rencontre, make_user, tmp_path
):
    settings.SITE_URL = live_server.url
    make_user("agenda@example.org", staff_role="editor")
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        edit = reverse("events:staff_event_edit", args=[rencontre.pk])
        login(page, live_server.url, "agenda@example.org", edit)
        editor = page.locator(".tiptap.ProseMirror")
        editor.wait_for()
        # The toolbar speaks the page's language; the area is named by the field's label.
        assert page.locator("button[data-name=bold]").get_attribute("aria-label") == "Gras"
        assert editor.get_attribute("aria-label") == "Description"
        # The textarea is behind the editor, which shows what was stored.
        assert "rendez-vous" in editor.inner_text()
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")

        # A heading, then bold text and a list, typed with the toolbar and the keyboard.
        page.keyboard.type("Au programme")
        page.locator(".prose-menubar__selected").click()
        page.locator(".prose-menubar__option[data-name=heading2]").click()
        editor.locator("h2").wait_for()
        editor.click()
        page.keyboard.press("End")
        page.keyboard.press("Enter")
        page.keyboard.press("Control+b")
        page.keyboard.type("Une journée")
        page.keyboard.press("Control+b")
        page.keyboard.type(" pour coopérer.")
        page.keyboard.press("Enter")
        page.keyboard.type("- Ateliers")
        page.keyboard.press("Enter")
        page.keyboard.type("Repas partagé")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")

        # Pasting from a word processor: its styles and classes go, bold stays.
        page.evaluate(
            """(html) => {
                const data = new DataTransfer();
                data.setData("text/html", html);
                data.setData("text/plain", "Venez nombreux à la Maison de l'ESS\\nEntrée libre");
                document.querySelector(".tiptap.ProseMirror").dispatchEvent(
                    new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
            }""",
            WORD_HTML,
        )

        # An image, uploaded and resized on the server, with what it shows.
        page.locator(".rich-text-image summary").click()
        page.set_input_files(".rich-text-image input[type=file]", str(_photo(tmp_path / "p.jpg")))
        page.get_by_role("button", name="Envoyer et insérer").click()
        # No description yet: the editor asks for one and sends nothing.
        page.wait_for_selector(".rich-text-status:text('Décrivez')")
        page.get_by_label("Ce que montre l’image").fill("La salle de la Maison de l'ESS")
        page.get_by_role("button", name="Envoyer et insérer").click()
        page.wait_for_selector(".tiptap.ProseMirror img")
        page.wait_for_selector(".rich-text-status:text('Image insérée.')")

        page.get_by_role("button", name="Enregistrer").first.click()
        page.wait_for_selector("text=L'événement est enregistré.")

        stored = Event.objects.get(pk=rencontre.pk).description
        assert "<h2>Au programme</h2>" in stored
        assert "<strong>Une journée</strong> pour coopérer." in stored
        assert "<ul><li><p>Ateliers</p></li><li><p>Repas partagé</p></li></ul>" in stored
        assert "<strong>nombreux</strong>" in stored
        assert "MsoNormal" not in stored and "style=" not in stored and "font" not in stored
        src = re.search(r'<img src="(/media/textes/[^"]+\.jpg)"', stored).group(1)
        assert 'alt="La salle de la Maison de l\'ESS"' in stored
        assert 'width="1600" height="1067"' in stored

        # The public page shows it, image included, under the same policy.
        page.goto(live_server.url + reverse("events:event", args=[rencontre.slug]))
        body = page.locator(".event-description, main")
        assert page.locator("main h2", has_text="Au programme").count() == 1
        assert page.locator("main strong", has_text="Une journée").count() == 1
        image = page.locator(f"main img[src='{src}']")
        assert image.get_attribute("alt") == "La salle de la Maison de l'ESS"
        assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) == 1600
        assert "Repas partagé" in body.first.inner_text()
        assert not problems, problems
    finally:
        context.close()


def test_without_javascript_the_field_is_a_textarea(browser, live_server, rencontre, make_user):
    make_user("agenda@example.org", staff_role="editor")
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        edit = reverse("events:staff_event_edit", args=[rencontre.pk])
        login(page, live_server.url, "agenda@example.org", edit)
        textarea = page.locator("textarea[name=description]")
        assert textarea.is_visible()
        textarea.fill("Première ligne\nsuite\n\nDeuxième paragraphe <script>x()</script>")
        page.get_by_role("button", name="Enregistrer").first.click()
        page.wait_for_selector("text=L'événement est enregistré.")
        assert Event.objects.get(pk=rencontre.pk).description == (
            "<p>Première ligne<br>suite</p><p>Deuxième paragraphe </p>"
        )
    finally:
        context.close()
