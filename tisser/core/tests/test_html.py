"""The sanitiser users' HTML goes through (descriptions, proposals)."""

from tisser.core.html import sanitize_html


def test_bold_and_italic_kept_whatever_the_tag():
    html = "<p><b>gras</b>, <strong>fort</strong>, <i>italique</i>, <em>accent</em></p>"
    assert sanitize_html(html) == html


def test_scripts_styles_and_handlers_removed():
    cleaned = sanitize_html(
        '<p onclick="x()">Bonjour<script>alert(1)</script><style>p{}</style>'
        '<a href="javascript:alert(1)">lien</a> <img src=x onerror=alert(1)></p>'
    )
    assert cleaned == '<p>Bonjour<a rel="noopener noreferrer">lien</a> </p>'


def test_images_only_from_this_sites_uploads_with_numeric_sizes(settings):
    settings.SITE_URL = "https://reseau.example"
    html = (
        '<p><img src="/media/textes/a.jpg" alt="Salle" width="800" height="x" onerror="y">'
        '<img src="https://tracker.example/p.gif" alt="pixel">'
        '<img src="https://reseau.example/media/textes/b.png" alt="">'
        '<img src="/media/../secret" alt="z"><img src="data:image/png;base64,AAA"></p>'
    )
    assert sanitize_html(html) == (
        '<p><img src="/media/textes/a.jpg" alt="Salle" width="800">'
        '<img src="https://reseau.example/media/textes/b.png" alt=""></p>'
    )


def test_headings_quotes_kept_and_empty_editor_is_empty():
    html = "<h2>Titre</h2><h3>Sous</h3><blockquote><p>Cité</p></blockquote>"
    assert sanitize_html(html) == html
    assert sanitize_html("<p></p>") == ""
    assert sanitize_html('<h1 style="x">Grand</h1><table><tr><td>t</td></tr></table>') == "Grandt"


def test_plain_text_becomes_paragraphs():
    from tisser.core.html import rich_text_html, same_rich_text

    assert rich_text_html("Un <b>mot</b>\nligne\r\n\r\nDeux & trois") == (
        "<p>Un <b>mot</b><br>ligne</p><p>Deux &amp; trois</p>"
    )
    assert rich_text_html("a < b\n\nc") == "<p>a &lt; b</p><p>c</p>"
    assert same_rich_text("Un <b>mot</b>", "<p>Un <strong>mot</strong></p>")
    assert not same_rich_text("Un mot", "<p>Un <strong>mot</strong></p>")


def test_rich_text_field_cleans_what_the_form_sends():
    from tisser.core.richtext import RichTextField

    field = RichTextField(required=False)
    assert field.clean('<p onclick="x">Bonjour</p><script>1</script>') == "<p>Bonjour</p>"
    assert field.clean("Ligne 1\n\nLigne 2") == "<p>Ligne 1</p><p>Ligne 2</p>"
    assert field.clean("<p></p>") == ""
    rendered = field.widget.render("body", "Ancien texte\nsur deux lignes")
    assert "&lt;p&gt;Ancien texte&lt;br&gt;sur deux lignes&lt;/p&gt;" in rendered
    assert "data-rich-text" in rendered and "required" not in rendered
