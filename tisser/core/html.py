"""Sanitising of HTML written by users (descriptions, proposals): a short allow-list, via nh3."""

import nh3

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
