"""Merge tags: `{{ contact.EMAIL }}`, `{{ contact.FIRSTNAME | default:"ami·e" }}`…

The seeds (exported from Brevo) use `{{ contact.EMAIL }}`; Tisser reads the same syntax.
A campaign's HTML and text are rendered once; `compile_template` splits each into literal
chunks and slots, and `personalise` fills the slots for one recipient by a plain join —
no template engine per recipient. An unknown tag is reported at composition
(`unknown_tags`) and renders as its fallback (or nothing) if it slips through.
"""

from __future__ import annotations

import html
import re

# Accept the quotes as typed ("…") or as HTML-escaped by the composer's rendering.
TAG = re.compile(
    r"\{\{\s*(contact|tisser)\.([A-Za-z_]+)\s*"
    r"(?:\|\s*default\s*:\s*(?:\"|&quot;|&#34;|&#x27;|')(.*?)(?:\"|&quot;|&#34;|&#x27;|')\s*)?\}\}"
)
CONTACT_FIELDS = {
    "EMAIL": "email",
    "FIRSTNAME": "first_name",
    "PRENOM": "first_name",
    "LASTNAME": "last_name",
    "NOM": "last_name",
    "ORGANISATION": "organisation",
    "ORGANIZATION": "organisation",
    "STRUCTURE": "organisation",
}
SYSTEM_FIELDS = {
    "UNSUBSCRIBE_URL": "unsubscribe_url",
    "WEB_URL": "web_url",
    "PREFERENCES_URL": "preferences_url",
}


def tag(name: str, namespace: str = "tisser") -> str:
    """The merge tag for `name`, as templates write it into a campaign."""
    return f"{{{{ {namespace}.{name} }}}}"


def unknown_tags(text: str) -> list[str]:
    """The tags of `text` that Tisser cannot fill, as written."""
    found = []
    for match in TAG.finditer(text or ""):
        namespace, name = match.group(1), match.group(2).upper()
        known = CONTACT_FIELDS if namespace == "contact" else SYSTEM_FIELDS
        if name not in known:
            found.append(match.group(0))
    # Anything that looks like a tag but does not parse (typo in the braces).
    for loose in re.finditer(r"\{\{[^{}]*\}\}", TAG.sub("", text or "")):
        found.append(loose.group(0))
    return found


def compile_template(text: str) -> list:
    """[literal, (key, fallback), literal, …]: literals are str, slots are tuples."""
    parts: list = []
    position = 0
    for match in TAG.finditer(text):
        parts.append(text[position : match.start()])
        namespace, name = match.group(1), match.group(2).upper()
        fields = CONTACT_FIELDS if namespace == "contact" else SYSTEM_FIELDS
        fallback = html.unescape(match.group(3) or "")
        parts.append((fields.get(name, ""), fallback))
        position = match.end()
    parts.append(text[position:])
    return parts


def personalise(parts: list, values: dict, *, escape: bool) -> str:
    """Fill the slots of a compiled template with `values` (fallback when empty)."""
    out = []
    for part in parts:
        if part.__class__ is str:
            out.append(part)
            continue
        key, fallback = part
        value = values.get(key) or fallback
        out.append(html.escape(value) if escape else value)
    return "".join(out)
