"""Build the reference data Tisser ships so that it works offline (run by developers only).

    python tisser/territories/data/build.py [--package DIR] [--geo DIR]

Reads the npm package `@etalab/decoupage-administratif` (codes, names, populations,
postcodes, EPCI membership; fetched with `npm pack` unless `--package` points at an
unpacked copy) and the files in `../shared/geo/` (commune centroids of 2018, simplified
département and région outlines), and writes gzip-compressed CSV and GeoJSON files next to
this script. `manage.py load_territories` reads them; SOURCES.md names the sources.

A commune missing from the 2018 centroids (created or renumbered since) takes the centroid
of its chef-lieu, else the mean of its former communes (communes déléguées, associées,
anciens codes). Communes with none of these (overseas collectivities, communes restored
after leaving a commune nouvelle) ship without a centre; `refresh_territories` fills
them from the geo API when online.
"""

import argparse
import csv
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

# Run as a script from anywhere: the geometry helper lives in the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from tisser.territories.geometry import clean_outline  # noqa: E402

PACKAGE = "@etalab/decoupage-administratif@6.0.0"
HERE = Path(__file__).resolve().parent
DEFAULT_GEO = HERE.parents[2].parent / "shared" / "geo"  # ../shared/geo from the repo root

COMMUNE_FIELDS = [
    "code",
    "name",
    "departement",
    "region",
    "epci",
    "postcodes",
    "population",
    "latitude",
    "longitude",
]
OUTLINE_DECIMALS = 4  # about 10 m: plenty for a background map


def fetch_package(workdir: Path) -> Path:
    """`npm pack` the package into `workdir` and return its unpacked data folder."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True)
    tarball = next(workdir.glob("*.tgz"))
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package" / "data"


def load_json(folder: Path, name: str):
    with open(folder / name, encoding="utf-8") as handle:
        return json.load(handle)


def read_centroids(path: Path) -> dict[str, tuple[float, float]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            row["code"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


def centroid_for(
    commune: dict, centroids: dict, former: dict[str, list[str]]
) -> tuple[float, float] | None:
    """The 2018 centroid by code, else the mean of its former communes' centroids.

    A commune nouvelle usually keeps its chef-lieu's code, so the first case covers it.
    """
    code = commune["code"]
    if code in centroids:
        return centroids[code]
    candidates = []
    for old in [*former.get(code, []), *(commune.get("anciensCodes") or [])]:
        if old in centroids and old not in candidates:
            candidates.append(old)
    if not candidates:
        return None
    points = [centroids[c] for c in candidates]
    lat = sum(p[0] for p in points) / len(points)
    lon = sum(p[1] for p in points) / len(points)
    return round(lat, 5), round(lon, 5)


def build_communes(data: Path, centroids: dict) -> tuple[list[dict], list[dict]]:
    everything = load_json(data, "communes.json")
    former: dict[str, list[str]] = defaultdict(list)
    for item in everything:
        if item["type"] in ("commune-deleguee", "commune-associee") and item.get("chefLieu"):
            former[item["chefLieu"]].append(item["code"])
    epci_of = {}
    epcis = []
    for epci in load_json(data, "epci.json"):
        for member in epci["membres"]:
            epci_of[member["code"]] = epci["code"]
        epcis.append(
            {
                "code": epci["code"],
                "name": epci["nom"],
                "kind": epci["type"],
                "population": epci.get("populationMunicipale") or "",
            }
        )
    communes = []
    for item in everything:
        if item["type"] != "commune-actuelle":
            continue
        point = centroid_for(item, centroids, former)
        communes.append(
            {
                "code": item["code"],
                "name": item["nom"],
                "departement": item["departement"],
                "region": item["region"],
                "epci": epci_of.get(item["code"], ""),
                "postcodes": " ".join(item.get("codesPostaux") or []),
                "population": item.get("population", ""),
                "latitude": point[0] if point else "",
                "longitude": point[1] if point else "",
            }
        )
    communes.sort(key=lambda c: c["code"])
    epcis.sort(key=lambda e: e["code"])
    return communes, epcis


def build_levels(data: Path, communes: list[dict]) -> tuple[list[dict], list[dict]]:
    """Départements and régions, with populations summed from their communes."""
    dep_pop: dict[str, int] = defaultdict(int)
    reg_pop: dict[str, int] = defaultdict(int)
    for commune in communes:
        if commune["population"] != "":
            dep_pop[commune["departement"]] += int(commune["population"])
            reg_pop[commune["region"]] += int(commune["population"])
    departements = [
        {
            "code": d["code"],
            "name": d["nom"],
            "region": d["region"],
            "population": dep_pop.get(d["code"], ""),
        }
        for d in load_json(data, "departements.json")
    ]
    regions = [
        {"code": r["code"], "name": r["nom"], "population": reg_pop.get(r["code"], "")}
        for r in load_json(data, "regions.json")
    ]
    return departements, regions


def round_geometry(geometry: dict) -> dict:
    """Snapped to OUTLINE_DECIMALS, made valid and wound counter-clockwise (RFC 7946)."""
    return clean_outline(geometry, OUTLINE_DECIMALS)


def build_outlines(path: Path) -> dict:
    source = load_json(path.parent, path.name)
    features = [
        {
            "type": "Feature",
            "properties": {"code": f["properties"]["code"], "name": f["properties"]["nom"]},
            "geometry": round_geometry(f["geometry"]),
        }
        for f in source["features"]
    ]
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


def write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_gzip(path, buffer.getvalue())


def write_gzip(path: Path, text: str) -> None:
    # mtime=0 keeps the output byte-identical from one build to the next.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    print(f"  {path.name}: {path.stat().st_size / 1024:.0f} KB")


def build_outline_files(geo: Path, out: Path) -> None:
    for level in ("departements", "regions"):
        collection = build_outlines(geo / f"{level}-version-simplifiee.geojson")
        text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
        write_gzip(out / f"{level}-outlines.geojson.gz", text)


def build(package_data: Path, geo: Path, out: Path) -> None:
    centroids = read_centroids(geo / "communes-centroides-2018.csv")
    communes, epcis = build_communes(package_data, centroids)
    departements, regions = build_levels(package_data, communes)
    without = [c for c in communes if c["latitude"] == ""]
    print(f"{len(communes)} communes, {len(epcis)} EPCI, {len(departements)} départements,")
    print(f"{len(regions)} régions; {len(without)} communes without a centre:")
    print("  " + ", ".join(f"{c['code']} {c['name']}" for c in without))
    write_csv(out / "communes.csv.gz", COMMUNE_FIELDS, communes)
    write_csv(out / "epci.csv.gz", ["code", "name", "kind", "population"], epcis)
    write_csv(out / "departements.csv.gz", ["code", "name", "region", "population"], departements)
    write_csv(out / "regions.csv.gz", ["code", "name", "population"], regions)
    build_outline_files(geo, out)
    total = sum(p.stat().st_size for p in out.glob("*.gz"))
    print(f"total {total / 1024:.0f} KB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--package", type=Path, help="unpacked data/ folder of the npm package")
    parser.add_argument("--geo", type=Path, default=DEFAULT_GEO, help="the shared geo folder")
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument(
        "--outlines-only", action="store_true", help="rebuild the two outline files only"
    )
    args = parser.parse_args(argv)
    if args.outlines_only:
        build_outline_files(args.geo, args.out)
        return
    if args.package:
        build(args.package, args.geo, args.out)
        return
    with tempfile.TemporaryDirectory() as tmp:
        build(fetch_package(Path(tmp)), args.geo, args.out)


if __name__ == "__main__":
    sys.exit(main())
