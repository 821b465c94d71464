"""The network's name as French writes it: with its article ("l'APES Hauts-de-France",
"le Réseau X") and the contractions the article calls for after "à" and "de" ("au
Réseau X", "du Réseau X", "aux Réseaux X"). In other languages the bare name.

`TISSER_NETWORK_NAME` is the bare name, `TISSER_NETWORK_ARTICLE` its French article:
"l'" (the default: "l'APES"), "la", "le", "les", or empty for a name that takes none.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import get_language

ARTICLES = ("l'", "l’", "la", "le", "les", "")


def article() -> str:
    value = (getattr(settings, "NETWORK_ARTICLE", "") or "").strip().lower().replace("’", "'")
    return value if value in ARTICLES else ""


def display_name(language: str | None = None) -> str:
    """The name as a sentence of `language` (the current one by default) needs it."""
    name = settings.NETWORK_NAME
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language != "fr" or not article():
        return name
    if article() == "l'":
        return f"l’{name}"
    return f"{article()} {name}"


def contract(text: str) -> str:
    """French contractions before the network's name only (never "à le faire"):
    "à le Réseau" → "au Réseau", "de les Réseaux" → "des Réseaux"."""
    if article() not in ("le", "les") or not text:
        return text
    name = re.escape(settings.NETWORK_NAME)
    forms = {"à le": "au", "de le": "du", "à les": "aux", "de les": "des"}
    for words, contracted in forms.items():
        for source, target in ((words, contracted), (words.capitalize(), contracted.capitalize())):
            text = re.sub(rf"\b{source} (?={name})", f"{target} ", text)
    return text


class ContractionsMiddleware:
    """Applies `contract` to French HTML pages when the article calls for it (le, les)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            article() in ("le", "les")
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and (get_language() or "").startswith("fr")
        ):
            charset = response.charset or "utf-8"
            response.content = contract(response.content.decode(charset)).encode(charset)
        return response
