"""SIRET numbers are checked with their Luhn key (La Poste's shared SIREN excepted)."""

import pytest

from tisser.directory.siret import is_valid_siret, normalise_siret


def test_normalise_strips_spaces():
    assert normalise_siret(" 732 829 320 00074 ") == "73282932000074"
    assert normalise_siret("732\u00a0829\u00a0320\u00a000074") == "73282932000074"


@pytest.mark.parametrize(
    "value",
    ["73282932000074", "732 829 320 00074", "44306184100047", "35600000000048", "35600000049837"],
)
def test_valid(value):
    assert is_valid_siret(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "7328293200007",
        "732829320000745",
        "73282932000075",
        "7328293200007A",
        "abcdefghijklmn",
        "35600000049838",
    ],
)
def test_invalid(value):
    assert not is_valid_siret(value)
