"""Sanitising of HTML written by users (descriptions, articles, newsletter blocks,
proposals): a short allow-list, via nh3. The rich-text editor (`core.richtext`) offers
exactly what this keeps, and everything stored goes through it again on the server."""

import json
import re

import nh3
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# `b` and `i` too: text pasted from word processors and old sites uses them for bold/italic.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt", "width", "height"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_BLOCK = re.compile(r"<(p|h[1-6]|ul|ol|li|blockquote|div|br|img|table)\b", re.IGNORECASE)


def _media_prefixes() -> tuple[str, ...]:
    media = settings.MEDIA_URL
    return (media, settings.SITE_URL.rstrip("/") + media)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Images only from this site's uploads (no tracking pixel, nothing the page's
    Content-Security-Policy would block), with numeric sizes."""
    if tag != "img":
        return value
    if attribute == "src":
        return value if value.startswith(_media_prefixes()) and ".." not in value else None
    if attribute in {"width", "height"}:
        return value if value.isdigit() and len(value) <= 5 else None
    return value


def sanitize_html(html: str) -> str:
    """Keep simple formatting, links and uploaded images; drop scripts, styles, event
    handlers and the rest.

    `<script>` and `<style>` are removed with their content; other unknown tags keep their
    text. Links get `rel="noopener noreferrer"`. An image whose address is not one of this
    site's uploads is removed.
    """
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    cleaned = _IMG_WITHOUT_SRC.sub("", cleaned).strip()
    # The editor's empty document is one empty paragraph: store nothing instead.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


def has_paragraphs(text: str) -> bool:
    """Whether a text is laid out in HTML (paragraphs, lists…) rather than by line breaks."""
    return bool(_BLOCK.search(text or ""))


def text_to_html(text: str) -> str:
    """Text typed without the editor (or an older record) as paragraphs: a blank line
    separates paragraphs, a single line break stays a line break. Text without any tag is
    escaped; inline tags (`<b>`, `<a>`) are left for the sanitiser to judge."""
    text = (text or "").replace("\r\n", "\n").strip()
    plain = not _TAG.search(text)
    return "".join(
        "<p>" + (escape(p.strip()) if plain else p.strip()).replace("\n", "<br>") + "</p>"
        for p in re.split(r"\n\s*\n", text)
        if p.strip()
    )


def rich_text_html(value: str) -> str:
    """What a long text field holds (or what a form sent for it), as safe HTML:
    sanitised HTML, or plain text made into paragraphs."""
    value = (value or "").replace("\r\n", "\n")
    return sanitize_html(value if has_paragraphs(value) else text_to_html(value))


_SAME = [
    (re.compile(r"<(/?)b>"), r"<\1strong>"),
    (re.compile(r"<(/?)i>"), r"<\1em>"),
    (re.compile(r">\s+<"), "><"),
    (re.compile(r"\s+"), " "),
]


def same_rich_text(a: str, b: str) -> bool:
    """Whether two versions of a long text say the same, formatting included: the editor
    writes `<strong>` for `<b>`, paragraphs for plain text, and spaces its tags its own way."""

    def canonical(value):
        html = rich_text_html(value)
        for pattern, replacement in _SAME:
            html = pattern.sub(replacement, html)
        return html.strip()

    return canonical(a) == canonical(b)


def absolute_media_urls(html: str, site_url: str) -> str:
    """Images of uploads with this site's address in front (for emails, read elsewhere)."""
    media = settings.MEDIA_URL
    if not media.startswith("/"):
        return html
    return html.replace(f'src="{media}', f'src="{site_url.rstrip("/")}{media}')


# json_script's escapes: the JSON cannot close the <script> element it sits in.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld_script_body(data) -> SafeString:
    """The JSON for a `<script type="application/ld+json">` (schema.org descriptions of
    actors, events and articles), escaped like `json_script`."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))
