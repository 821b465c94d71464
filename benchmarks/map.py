"""Benchmark of the cooperative map on SQLite and PostgreSQL.

For each database (a fresh SQLite file; `tisser_bench` on the local PostgreSQL when it
answers), in its own process: migrate, load the territories, generate the 200,000-actor
demo network (timed), then measure server time through Django's test client (the whole
middleware stack, no network) over varied viewports and searches, and the weight of the
map page's first load. Writes benchmarks/results/map-<database>.json.

    make bench NAME=map            # or: .venv/bin/python benchmarks/map.py
    TISSER_BENCH_ACTORS=20000 ...  # a smaller network for a quick look
"""

from __future__ import annotations

import gzip
import math
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    BenchDatabase,
    load_average,
    main_per_database,
    time_calls,
    write_result,
)

ACTORS = int(os.environ.get("TISSER_BENCH_ACTORS", "200000"))
SEED = 1
ITERATIONS = int(os.environ.get("TISSER_BENCH_ITERATIONS", "100"))
VIEWPORT_PX = (1280, 800)  # a laptop screen's map area
FRANCE = (46.6, 2.4)
# What people type on a map of actors: a kind of place, an activity, a town (prefixes
# included). In the 200,000-actor demo each matches 0.7 % to 8 % of the actors.
SEARCH_WORDS = [
    "epicerie",
    "ressourcerie",
    "cafe",
    "jardin",
    "atelier",
    "insertion",
    "velo",
    "tiers",
    "lille",
    "amiens",
    "cultur",
    "recycl",
    "mobil",
    "amap",
    "garage",
    "roubaix",
    "arras",
    "beauvais",
    "dunkerque",
    "theatre",
]
# Words of nearly every name in an ESS directory (15 % to 35 % of the demo's actors):
# measured apart, as the worst case.
COMMON_WORDS = ["solidaire", "coop", "asso", "repar", "emploi"]  # fmt: skip


def bbox_for(lat: float, lon: float, zoom: int, size=VIEWPORT_PX) -> str:
    """The bbox Leaflet sends for a map of `size` pixels centred on lat/lon at `zoom`."""
    scale = 256 * 2**zoom

    def project(lat, lon):
        x = (lon + 180) / 360 * scale
        y = (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * scale
        return x, y

    def unproject(x, y):
        lon = x / scale * 360 - 180
        lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale))))
        return lat, lon

    x, y = project(lat, lon)
    north, west = unproject(x - size[0] / 2, y - size[1] / 2)
    south, east = unproject(x + size[0] / 2, y + size[1] / 2)
    return f"{west:.5f},{south:.5f},{east:.5f},{north:.5f}"


def analyse_database() -> None:
    """Planner statistics as production would have them after a bulk load.

    PostgreSQL here runs without autovacuum: VACUUM ANALYZE is what autovacuum would do
    (statistics, and the visibility map that index-only scans need)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def page_weight(client) -> dict:
    """Bytes of the map page's first load: HTML, every stylesheet and script it links,
    and the first data and list requests. Static files are counted gzipped at level 9
    (what WhiteNoise's CompressedManifestStaticFilesStorage serves in production); HTML
    and JSON as Django sends them (uncompressed). Map tiles come from the tile server and
    are not counted; offline, the département outlines replace them (counted apart)."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    response = client.get("/carte/")
    html = response.content
    assets = re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(
        rb'<script src="([^"]+)"', html
    )
    static_gz = static_raw = 0
    files = []
    for url in assets:
        name = url.decode()[len(settings.STATIC_URL) :]
        data = Path(finders.find(name)).read_bytes()
        static_raw += len(data)
        static_gz += len(gzip.compress(data, 9))
        files.append(name)
    bbox = bbox_for(50.0, 2.8, 8)
    data_bytes = len(client.get("/carte/donnees/", {"bbox": bbox, "zoom": 8}).content)
    list_bytes = len(client.get("/carte/liste/", {"bbox": bbox}).content)
    outlines = client.get("/territoires/departements.geojson")
    outlines_bytes = len(outlines.content) if outlines.status_code == 200 else 0
    online = len(html) + static_gz + data_bytes + list_bytes
    return {
        "map_page_kb": round(online / 1024, 1),
        "map_page_offline_kb": round((online + outlines_bytes) / 1024, 1),
        "map_page_uncompressed_kb": round(
            (len(html) + static_raw + data_bytes + list_bytes) / 1024, 1
        ),
        "files": files,
        "html_kb": round(len(html) / 1024, 1),
        "static_gzip_kb": round(static_gz / 1024, 1),
        "first_data_kb": round(data_bytes / 1024, 1),
        "first_list_kb": round(list_bytes / 1024, 1),
        "outlines_kb": round(outlines_bytes / 1024, 1),
    }


def measure(database: str) -> None:
    load_at_start = load_average()
    with BenchDatabase(database, pg_name="tisser_bench_map"):  # others may run at once
        from django.core.management import call_command
        from django.db.models import Count
        from django.test import Client

        from tisser.directory.demo import build_demo_network
        from tisser.directory.models import Category, Organisation

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("load_territories", verbosity=0)
        setup_s = time.perf_counter() - started

        started = time.perf_counter()
        build_demo_network(size=ACTORS, seed=SEED)
        demo_generation_s = time.perf_counter() - started
        analyse_database()

        published = Organisation.objects.filter(status=Organisation.Status.PUBLISHED)
        located = published.exclude(latitude=None).count()
        rng = random.Random(SEED)
        client = Client(SERVER_NAME="localhost")

        def get(path, params, check=None):
            def call():
                response = client.get(path, params)
                assert response.status_code == 200, (path, params, response.status_code)
                if check:
                    check(response)

            return call

        def jitter(center, spread):
            return center[0] + rng.uniform(-spread, spread), center[1] + rng.uniform(
                -spread, spread
            )

        totals: list[int] = []

        def record_total(response):
            totals.append(response.json()["total"])

        # Whole France at zoom 6: clusters.
        zoom6 = [
            get("/carte/donnees/", {"bbox": bbox_for(*jitter(FRANCE, 1.5), 6), "zoom": 6},
                record_total)
            for _ in range(ITERATIONS)
        ]  # fmt: skip
        zoom6_stats = time_calls(zoom6)
        zoom6_total = max(totals)
        # The same without the whole-map cluster cache: what the first visitor pays.
        from django.core.cache import cache

        zoom6_uncached = time_calls(zoom6, before=cache.clear)

        # A city at zoom 14: points, around the communes with the most actors.
        cities = list(
            published.exclude(commune=None)
            .values("commune__latitude", "commune__longitude")
            .annotate(n=Count("id"))
            .order_by("-n")[:25]
        )
        totals.clear()
        zoom14 = [
            get(
                "/carte/donnees/",
                {
                    "bbox": bbox_for(
                        *jitter((c["commune__latitude"], c["commune__longitude"]), 0.01), 14
                    ),
                    "zoom": 14,
                },
                record_total,
            )
            for c in (rng.choice(cities) for _ in range(ITERATIONS))
        ]
        zoom14_stats = time_calls(zoom14)
        zoom14_points = sorted(totals)

        # Zoom 6 with each kind of filter (not a goal of the issue: shown for reference).
        slugs = list(Category.objects.values_list("slug", flat=True))
        filters = [{"member": "1"}, {"territory": "dep-59"}, {"legal_form": "association"}] + [
            {"category": slug} for slug in slugs
        ]
        zoom6_filtered = time_calls(
            [
                get("/carte/donnees/", {"bbox": bbox_for(*FRANCE, 6), "zoom": 6, **f})
                for f in (rng.choice(filters) for _ in range(ITERATIONS))
            ]
        )

        # Full-text search with a filter: the list beside the map (count + first page).
        totals.clear()

        def record_list_total(response):
            totals.append(int(re.search(rb'data-total="(\d+)"', response.content).group(1)))

        searches = [
            get("/carte/liste/", {"q": rng.choice(SEARCH_WORDS), **rng.choice(filters)},
                record_list_total)
            for _ in range(ITERATIONS)
        ]  # fmt: skip
        search_stats = time_calls(searches)
        search_hits = sorted(totals)
        common_stats = time_calls(
            [
                get("/carte/liste/", {"q": rng.choice(COMMON_WORDS), **rng.choice(filters)})
                for _ in range(ITERATIONS)
            ]
        )
        # The same searches drawn on the whole-France map.
        search_map_stats = time_calls(
            [
                get("/carte/donnees/", {"bbox": bbox_for(*FRANCE, 6), "zoom": 6,
                                        "q": rng.choice(SEARCH_WORDS), **rng.choice(filters)})
                for _ in range(ITERATIONS)
            ]
        )  # fmt: skip

        weight = page_weight(client)

        metrics = {
            "viewport_zoom6_p95_ms": zoom6_stats["p95_ms"],
            "viewport_zoom14_p95_ms": zoom14_stats["p95_ms"],
            "search_p95_ms": search_stats["p95_ms"],
            "map_page_kb": weight["map_page_kb"],
            "demo_generation_s": round(demo_generation_s, 1),
            "viewport_zoom6_p50_ms": zoom6_stats["p50_ms"],
            "viewport_zoom14_p50_ms": zoom14_stats["p50_ms"],
            "search_p50_ms": search_stats["p50_ms"],
            "viewport_zoom6_uncached_p95_ms": zoom6_uncached["p95_ms"],
            "viewport_zoom6_uncached_p50_ms": zoom6_uncached["p50_ms"],
            "viewport_zoom6_filtered_p95_ms": zoom6_filtered["p95_ms"],
            "search_on_map_zoom6_p95_ms": search_map_stats["p95_ms"],
            "search_common_word_p95_ms": common_stats["p95_ms"],
            "map_page_offline_kb": weight["map_page_offline_kb"],
            "map_page_uncompressed_kb": weight["map_page_uncompressed_kb"],
            "territories_load_s": round(setup_s, 1),
        }
        # CPU time of this process (Django and, on SQLite, the database too): what the
        # request costs whatever else the machine is doing. On PostgreSQL the server's own
        # share is in its backend process, not counted here.
        for label, stats in (
            ("viewport_zoom6", zoom6_stats),
            ("viewport_zoom6_uncached", zoom6_uncached),
            ("viewport_zoom14", zoom14_stats),
            ("search", search_stats),
        ):
            metrics[f"{label}_cpu_p95_ms"] = stats["cpu_p95_ms"]
        params = {
            "actors": ACTORS,
            "published_located": located,
            "seed": SEED,
            "iterations": ITERATIONS,
            "viewport_px": list(VIEWPORT_PX),
            "zoom6_actors_in_view": zoom6_total,
            "zoom14_points_min_median_max": [
                zoom14_points[0],
                zoom14_points[len(zoom14_points) // 2],
                zoom14_points[-1],
            ],
            "search_hits_min_median_max": [
                search_hits[0],
                search_hits[len(search_hits) // 2],
                search_hits[-1],
            ],
            "load_average_at_start": load_at_start,
            "load_average_at_end": load_average(),
        }
        notes = {
            "server_time": "Django test client through every middleware; no network, no browser",
            "zoom6_cache": "viewport_zoom6_* is served as in production, with the whole-map"
            " cluster cache (TISSER_MAP_CACHE_SECONDS, 30 s); *_uncached_* empties it before"
            " every request (the unfiltered whole map is then read from the per-cell totals"
            " the database keeps, directory/map/totals.py)",
            "search": "GET /carte/liste/?q=<word prefix>&<one filter>: count (capped at 1,000)"
            " + first page of 20, by name",
            "load": "the machine is shared: see the load averages in params",
            "cpu": "*_cpu_p95_ms: CPU time of the process serving the request (time.process_time),"
            " p95 over the same requests; on SQLite it includes the database's work, on"
            " PostgreSQL the server's backend is another process",
            "page_weight": page_weight.__doc__.split("\n\n")[0].replace("\n   ", ""),
            "page_files": weight["files"],
            "page_detail_kb": {
                k: v for k, v in weight.items() if k.endswith("_kb") and k != "map_page_kb"
            },
        }
        path = write_result("map", database, params, metrics, notes)
        width = max(len(k) for k in metrics)
        for key, value in metrics.items():
            print(f"  {key:<{width}}  {value}")
        print(f"  -> {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main_per_database(__file__, measure)
