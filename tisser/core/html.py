"""Sanitising of HTML written by users (descriptions, proposals): a short allow-list, via nh3."""

import json

import nh3
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
    "h3",
    "h4",
    "blockquote",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(html: str) -> str:
    """Keep simple formatting and links; drop scripts, styles, event handlers and the rest.

    `<script>` and `<style>` are removed with their content; other unknown tags keep their
    text. Links get `rel="noopener noreferrer"`.
    """
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


# json_script's escapes: the JSON cannot close the <script> element it sits in.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld_script_body(data) -> SafeString:
    """The JSON for a `<script type="application/ld+json">` (schema.org descriptions of
    actors, events and articles), escaped like `json_script`."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))
