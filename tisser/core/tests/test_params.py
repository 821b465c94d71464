"""Numbers, zooms and bounding boxes read from URLs: refused (BadParameter, a 400) when
they are not finite numbers in range, never an OverflowError or a ValueError (a 500)."""

import pytest
from django.http import QueryDict
from django.utils import translation

from tisser.core import params
from tisser.core.errors import BadParameter


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


HOSTILE = ["inf", "-inf", "nan", "1e309", "-1e309", "abc", "1,5", "0x10", "\x00", "9" * 400]


def q(text: str) -> QueryDict:
    return QueryDict(text)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_bad_parameters_for_every_reader(value):
    data = {"n": value}
    for read in (params.integer, params.identifier, params.number, params.zoom):
        with pytest.raises(BadParameter) as caught:
            read(data, "n")
        assert caught.value.parameter == "n" and caught.value.message
    with pytest.raises(BadParameter):
        params.bbox({"bbox": f"{value},1,2,3"})


def test_integers():
    assert params.integer(q("n=12"), "n") == 12
    assert params.integer(q("n=12.0"), "n") == 12
    assert params.integer(q("n=+7"), "n") == 7
    assert params.integer(q(""), "n", 5) == 5
    assert params.integer(q("n=%20"), "n", 5) == 5
    assert params.integer(q("n=50"), "n", minimum=1, maximum=20, clamp=True) == 20
    with pytest.raises(BadParameter, match="whole number"):
        params.integer(q("n=1.5"), "n")
    with pytest.raises(BadParameter, match="out of range"):
        params.integer(q("n=" + "9" * 30), "n")
    with pytest.raises(BadParameter, match="between 1 and 20"):
        params.integer(q("n=50"), "n", minimum=1, maximum=20)  # past a bigint: no database holds it
    with pytest.raises(BadParameter, match="at least 1"):
        params.identifier(q("n=0"), "n")


def test_numbers_and_zooms():
    assert params.number(q("n=2.5"), "n") == 2.5
    assert params.number(q("n=1e308"), "n") == 1e308
    assert params.zoom(q("zoom=7.9")) == 7
    assert params.zoom(q("zoom=-3")) == 0
    assert params.zoom(q("zoom=1e300")) == 22
    assert params.zoom(q(""), default=8) == 8


def test_pages_are_read_leniently_like_djangos_paginator():
    for value in ("x", "inf", "nan", "1e309", "-4", "0", "1.5"):
        assert params.page(q(f"page={value}")) == 1
    assert params.page(q("page=" + "9" * 30), last=40) == 40
    assert params.page(q("page=3")) == 3


def test_bounding_boxes():
    assert params.bbox(q("bbox=2.9,50.5,3.2,50.7")) == (2.9, 50.5, 3.2, 50.7)
    assert params.bbox(q("bbox=-500,-100,500,100")) == (-180.0, -90.0, 180.0, 90.0)
    assert params.bbox(q("")) is None
    for text in ("1,2,3", "1,2,3,4,5", "a,b,c,d", "5,41,-5,51", "1,52,2,51", ",,,"):
        with pytest.raises(BadParameter):
            params.bbox(q(f"bbox={text}"))
    with pytest.raises(BadParameter):
        params.bbox(q(""), required=True)
