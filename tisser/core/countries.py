"""Country codes (ISO 3166-1 alpha-2) with their names in the user's language, from
Babel's CLDR data: for places outside France (an event in Genève is in "CH")."""

from django.utils.translation import get_language, to_locale

from .text import fold

#: CLDR territories that are not countries.
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}


def _territories(language: str | None = None) -> dict[str, str]:
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(to_locale(language or get_language() or "fr"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("fr")
    return {
        code: name
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """[(code, name)] sorted by name in the language, for a select."""
    names = _territories(language)
    return sorted(names.items(), key=lambda item: fold(item[1]))


def country_name(code: str, language: str | None = None) -> str:
    return _territories(language).get((code or "").upper(), code or "")
