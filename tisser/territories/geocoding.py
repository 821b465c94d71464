"""Geocoding of postal addresses through the national address API (BAN).

`locate()` never fails: when the API is disabled (empty `TISSER_ADDRESS_API_URL`),
unreachable, or unsure of its answer, it falls back to the centre of the commune, with
precision "municipality", so that an organisation always lands somewhere sensible and
its page can say how precise that place is. `Location.fallback` says why, so that a
task may try again later when the API was only unavailable. It is called from
background tasks, never while a form is saved.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings

from tisser.core.text import fold

from .http import GeoServiceError, get_json, service_url
from .models import Commune
from .queries import POSTCODE, communes_for_postcode

logger = logging.getLogger(__name__)

# BAN scores run from 0 to 1; below this the match is too often another street or town.
MIN_SCORE = 0.5

PRECISION_HOUSENUMBER = "housenumber"
PRECISION_STREET = "street"
PRECISION_MUNICIPALITY = "municipality"

# Why a Location is a commune centre rather than the API's answer.
FALLBACK_OFFLINE = "offline"  # TISSER_ADDRESS_API_URL is empty
FALLBACK_UNAVAILABLE = "unavailable"  # timeout, network error, HTTP error: worth a retry
FALLBACK_UNSURE = "unsure"  # no result, low score, another commune, nothing to search

# The BAN allows 50 requests/s per IP; on HTTP 429 wait this long at most, once.
MAX_RATE_LIMIT_WAIT = 2.0

# BAN result types, mapped onto the three precisions Tisser stores.
_BAN_TYPES = {
    "housenumber": PRECISION_HOUSENUMBER,
    "street": PRECISION_STREET,
    "locality": PRECISION_STREET,
    "municipality": PRECISION_MUNICIPALITY,
}


@dataclass(frozen=True)
class Location:
    """A point (WGS84 degrees) and how precise it is."""

    latitude: float
    longitude: float
    precision: str  # "housenumber" | "street" | "municipality"
    commune_code: str | None
    label: str
    fallback: str = ""  # "" when the address API placed it, else FALLBACK_* (why not)


def locate(address: str, postcode: str = "", commune_code: str | None = None) -> Location | None:
    """Place an address: BAN when it is sure, else the centre of the commune.

    `commune_code` (INSEE), when given, restricts the search to that commune and any
    answer elsewhere is rejected. Returns None only when neither the API nor a known
    commune gives a point.
    """
    address = " ".join((address or "").split())
    postcode = (postcode or "").strip()
    commune, postcode = _known_commune(commune_code, postcode)
    found, reason = _ask_ban(_query(address, postcode, commune), postcode, commune_code)
    if found is not None:
        return found
    return commune_centre(commune, fallback=reason) if commune else None


def commune_centre(commune: Commune, fallback: str = FALLBACK_UNSURE) -> Location | None:
    """The commune's centroid as a Location, or None when it has none."""
    if commune.latitude is None or commune.longitude is None:
        return None
    return Location(
        latitude=commune.latitude,
        longitude=commune.longitude,
        precision=PRECISION_MUNICIPALITY,
        commune_code=commune.code,
        label=f"{commune.name} ({commune.departement_id})",
        fallback=fallback,
    )


def _known_commune(commune_code: str | None, postcode: str) -> tuple[Commune | None, str]:
    """The commune to fall back on (the one asked for, else the only one with this
    postcode), and the postcode worth sending to the BAN.

    A CEDEX or mistyped postcode is dropped: the BAN knows only distribution postcodes
    and would then find nothing, when the commune alone would have found the street.
    """
    if not POSTCODE.match(postcode):
        postcode = ""
    if commune_code:
        commune = Commune.objects.filter(code=commune_code).first()
        if commune and postcode not in commune.postcode_list:
            postcode = ""
        return commune, postcode
    candidates = communes_for_postcode(postcode) if postcode else []
    if not candidates:
        return None, ""
    return (candidates[0] if len(candidates) == 1 else None), postcode


def _query(address: str, postcode: str, commune: Commune | None) -> str:
    """The free-text query: the address completed with its postcode and commune name.

    Without them BAN scores a bare street line low even when it is right.
    """
    if len(address) < 3:
        return ""  # nothing more precise than the commune to look for
    parts = [address]
    folded = fold(address)
    if postcode and postcode not in address:
        parts.append(postcode)
    if commune and fold(commune.name) not in folded:
        parts.append(commune.name)
    return " ".join(parts)


def _ask_ban(address: str, postcode: str, commune_code: str | None) -> tuple[Location | None, str]:
    """The BAN's best answer when it is confident and in the right commune, else None and
    why (a FALLBACK_* value)."""
    base = settings.TISSER_ADDRESS_API_URL
    if not base:
        return None, FALLBACK_OFFLINE
    if len(address) < 3:
        return None, FALLBACK_UNSURE
    params = {"q": address[:200], "limit": 1}
    if commune_code:
        params["citycode"] = commune_code
    if postcode:
        params["postcode"] = postcode
    try:
        data = _search(service_url(base, "/search/"), params)
    except GeoServiceError as exc:
        logger.warning("Address API unavailable, falling back to the commune centre: %s", exc)
        return None, FALLBACK_UNAVAILABLE
    try:
        feature = (data.get("features") or [None])[0]
        if not feature:
            return None, FALLBACK_UNSURE
        props = feature.get("properties") or {}
        longitude, latitude = (float(v) for v in feature["geometry"]["coordinates"][:2])
        score = float(props.get("score") or 0)
    except (AttributeError, KeyError, TypeError, ValueError, IndexError):
        logger.warning("Address API: unexpected answer for %r", address)
        return None, FALLBACK_UNAVAILABLE
    citycode = props.get("citycode") or None
    if score < MIN_SCORE or (commune_code and citycode != commune_code):
        return None, FALLBACK_UNSURE
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, FALLBACK_UNAVAILABLE
    location = Location(
        latitude=latitude,
        longitude=longitude,
        precision=_BAN_TYPES.get(props.get("type") or "", PRECISION_STREET),
        commune_code=citycode,
        label=str(props.get("label") or address),
    )
    return location, ""


def _search(url: str, params: dict):
    """One GET; on a rate limit (HTTP 429) wait as asked (2 s at most) and try once more."""
    try:
        return get_json(url, params)
    except GeoServiceError as exc:
        if exc.status != 429:
            raise
        time.sleep(
            min(exc.retry_after if exc.retry_after is not None else 1.0, MAX_RATE_LIMIT_WAIT)
        )
    return get_json(url, params)
