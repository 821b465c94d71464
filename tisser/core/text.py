"""Text helpers shared by every app: search normalisation and slugs."""

import re
import unicodedata

_SPACES = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form used for search and matching.

    "Économie  Solidaire!" and "economie solidaire" fold to the same string.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _SPACES.sub(" ", ascii_only).strip()
