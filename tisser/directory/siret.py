"""SIRET numbers: 14 digits whose Luhn checksum is valid (La Poste's establishments excepted)."""

import re

_NOT_DIGITS = re.compile(r"[\s.\-\u00a0\u202f]")
LA_POSTE_SIREN = "356000000"


def normalise_siret(value: str) -> str:
    """Remove the spaces (and dots or dashes) people type between groups of digits."""
    return _NOT_DIGITS.sub("", value or "")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def is_valid_siret(value: str) -> bool:
    """True for a well-formed SIRET: 14 digits, Luhn key (La Poste: digit sum multiple of 5)."""
    siret = normalise_siret(value)
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN):
        # La Poste's establishments share one SIREN and are keyed by a digit sum instead.
        return sum(int(c) for c in siret) % 5 == 0 or _luhn_ok(siret)
    return _luhn_ok(siret)
