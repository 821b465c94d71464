"""Reading the reference files shipped in `data/` (built by `data/build.py`; see SOURCES.md).

The files sit beside this module, so an installed wheel and an editable install read them
the same way. Parsing is cached: tests that load a few départements many times parse once.
"""

import csv
import gzip
import json
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def _csv(name: str) -> tuple[dict, ...]:
    with gzip.open(DATA_DIR / name, "rt", encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def _int(value: str) -> int | None:
    return int(value) if value else None


def _float(value: str) -> float | None:
    return float(value) if value else None


@lru_cache(maxsize=1)
def regions() -> tuple[dict, ...]:
    return tuple(
        {"code": r["code"], "name": r["name"], "population": _int(r["population"])}
        for r in _csv("regions.csv.gz")
    )


@lru_cache(maxsize=1)
def departements() -> tuple[dict, ...]:
    return tuple(
        {
            "code": r["code"],
            "name": r["name"],
            "region_id": r["region"],
            "population": _int(r["population"]),
        }
        for r in _csv("departements.csv.gz")
    )


@lru_cache(maxsize=1)
def epcis() -> tuple[dict, ...]:
    return tuple(
        {
            "code": r["code"],
            "name": r["name"],
            "kind": r["kind"],
            "population": _int(r["population"]),
        }
        for r in _csv("epci.csv.gz")
    )


@lru_cache(maxsize=1)
def communes() -> tuple[dict, ...]:
    """Every current commune; `postcodes` comma-separated as the model stores them."""
    return tuple(
        {
            "code": r["code"],
            "name": r["name"],
            "departement_id": r["departement"],
            "region_id": r["region"],
            "epci_id": r["epci"] or None,
            "postcodes": ",".join(r["postcodes"].split()),
            "population": _int(r["population"]),
            "latitude": _float(r["latitude"]),
            "longitude": _float(r["longitude"]),
        }
        for r in _csv("communes.csv.gz")
    )


@lru_cache(maxsize=2)
def outlines(level: str) -> dict[str, str]:
    """{code: GeoJSON geometry as text} for level "departements" or "regions"."""
    if level not in ("departements", "regions"):
        raise ValueError(level)
    with gzip.open(DATA_DIR / f"{level}-outlines.geojson.gz", "rt", encoding="utf-8") as handle:
        collection = json.load(handle)
    return {
        feature["properties"]["code"]: json.dumps(feature["geometry"], separators=(",", ":"))
        for feature in collection["features"]
    }
