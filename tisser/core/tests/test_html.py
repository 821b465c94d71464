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
