"""Numbers, zooms and bounding boxes read from query parameters, one way everywhere.

Every view that reads a number from a URL reads it here. A value that is not a number,
is not finite (`inf`, `nan`, `1e309`) or is out of range raises `BadParameter`, which
`RequestInputMiddleware` answers with a 400 in the user's language (JSON under `/api/`).
An empty or missing parameter gives the default. Text parameters need nothing here: the
middleware already refuses NUL bytes and absurd lengths in every value, and a search for
the word "inf" is a search like any other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

from django.utils.translation import gettext as _

from .errors import BadParameter

#: The widest integers any database column here holds (PostgreSQL `bigint`).
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


class BBox(NamedTuple):
    """West, south, east, north in degrees (WGS 84), as Leaflet's `toBBoxString()`."""

    west: float
    south: float
    east: float
    north: float


def raw(params: Mapping, name: str) -> str:
    """The parameter's text, stripped ("" when absent)."""
    value = params.get(name)
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return "" if value is None else str(value).strip()


def _refuse(name: str, message: str):
    raise BadParameter(message, parameter=name)


def _finite(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        _refuse(name, _("The parameter “%(name)s” must be a number.") % {"name": name})
    if not math.isfinite(value):
        _refuse(name, _("The parameter “%(name)s” must be a finite number.") % {"name": name})
    return value


def _bounded(value, name: str, minimum, maximum, clamp: bool):
    if minimum is not None and value < minimum:
        if clamp:
            return minimum
        _refuse(name, _out_of_range(name, value, minimum, maximum))
    if maximum is not None and value > maximum:
        if clamp:
            return maximum
        _refuse(name, _out_of_range(name, value, minimum, maximum))
    return value


def _out_of_range(name: str, value, minimum, maximum) -> str:
    """The range the caller chose; the database's own limits are not worth a number."""
    low = None if minimum in (None, BIGINT_MIN) else minimum
    high = None if maximum in (None, BIGINT_MAX) else maximum
    values = {"name": name, "min": low, "max": high}
    if low is not None and high is not None:
        return _("The parameter “%(name)s” must be between %(min)s and %(max)s.") % values
    if low is not None and value < low:
        return _("The parameter “%(name)s” must be at least %(min)s.") % values
    if high is not None and value > high:
        return _("The parameter “%(name)s” must be at most %(max)s.") % values
    return _("The parameter “%(name)s” is out of range.") % values


def integer(
    params: Mapping,
    name: str,
    default: int | None = None,
    *,
    minimum: int | None = BIGINT_MIN,
    maximum: int | None = BIGINT_MAX,
    clamp: bool = False,
) -> int | None:
    """A whole number (`12`; `12.0` too). Out of [minimum, maximum]: refused, or brought
    to the nearest bound with `clamp` (a page number past the last page, say)."""
    text = raw(params, name)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        number = _finite(text, name)
        if not number.is_integer():
            _refuse(name, _("The parameter “%(name)s” must be a whole number.") % {"name": name})
        value = int(number)
    return _bounded(value, name, minimum, maximum, clamp)


def page(params: Mapping, name: str = "page", *, last: int = 10**6) -> int:
    """A page number, read as leniently as Django's `Paginator.get_page`: anything that is
    not a whole number (`x`, `inf`) is page 1, and a page past either end is the nearest
    one — a stale or hand-edited link still shows a page."""
    try:
        return integer(params, name, 1, minimum=1, maximum=last, clamp=True)
    except BadParameter:
        return 1


def identifier(params: Mapping, name: str) -> int | None:
    """The id of a row (a positive whole number), or None when the parameter is empty."""
    return integer(params, name, minimum=1)


def number(
    params: Mapping,
    name: str,
    default: float | None = None,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    clamp: bool = False,
) -> float | None:
    """A finite decimal number (`inf`, `nan` and `1e309` are refused)."""
    text = raw(params, name)
    if not text:
        return default
    return _bounded(_finite(text, name), name, minimum, maximum, clamp)


def zoom(
    params: Mapping,
    name: str = "zoom",
    default: int | None = None,
    *,
    minimum: int = 0,
    maximum: int = 22,
) -> int | None:
    """A map zoom level: a finite number, rounded down and brought within the map's range."""
    value = number(params, name, None)
    if value is None:
        return default
    return int(min(max(math.floor(value), minimum), maximum))


def bbox(params: Mapping, name: str = "bbox", *, required: bool = False) -> BBox | None:
    """`west,south,east,north`: four finite numbers; a world wider than ±180°/±90° (as a
    zoomed-out map sends) is brought back to the world; west ≤ east and south ≤ north."""
    text = raw(params, name)
    if not text:
        if required:
            _refuse(name, _bbox_message(name))
        return None
    parts = text.split(",")
    if len(parts) != 4:
        _refuse(name, _bbox_message(name))
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        _refuse(name, _bbox_message(name))
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        _refuse(name, _bbox_message(name))
    west, east = max(west, -180.0), min(east, 180.0)
    south, north = max(south, -90.0), min(north, 90.0)
    if west > east or south > north:
        _refuse(
            name,
            _("The parameter “%(name)s” must have west ≤ east and south ≤ north.") % {"name": name},
        )
    return BBox(west, south, east, north)


def _bbox_message(name: str) -> str:
    return _(
        "The parameter “%(name)s” must be four numbers: west,south,east,north "
        "(longitudes and latitudes in degrees)."
    ) % {"name": name}
