"""Benchmark of the observatory on SQLite and PostgreSQL.

For each database (a fresh SQLite file; `bench_observatory` on the local PostgreSQL when
it answers), in its own process: migrate, load every French territory, store an indicator
for all ~35,000 communes over three years, then measure through Django's test client
(every middleware, no network):

- `communes_indicator_page_s`: what a browser needs to draw an indicator over every
  commune — the indicator page at commune level plus the compact values JSON of all
  communes — with Django's cache emptied before each try (p95 of the tries); the same
  served from the cache, and the table view of all communes, are reported beside it.
- `sirene_rows_per_s`: establishment rows of a synthetic StockEtablissement file (real
  column names and order; 1,000,000 rows by default) read and filtered by ESS legal unit,
  territory (the Somme) and state. In the same run: the plain `csv.DictReader` way (the
  peer) and a bare line loop over the file (the ceiling of reading it at all).

Writes benchmarks/results/observatory-<database>.json.

    make bench NAME=observatory
    TISSER_BENCH_SIRENE_ROWS=200000 TISSER_BENCH_ITERATIONS=5 ...   # a quicker look
"""

from __future__ import annotations

import csv
import gzip
import os
import sys
import tempfile
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

ITERATIONS = int(os.environ.get("TISSER_BENCH_ITERATIONS", "10"))
SIRENE_ROWS = int(os.environ.get("TISSER_BENCH_SIRENE_ROWS", "1000000"))
YEARS = (2022, 2023, 2024)
PG_NAME = "bench_observatory"


def load(vendor: str) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from tisser.observatory import services
    from tisser.observatory.demo.loader import waste_value
    from tisser.observatory.models import Level, Theme
    from tisser.territories.models import Commune
    from tisser.territories.services import load_reference_data

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_reference_data()
    indicator = services.save_indicator(
        {"name": "Déchets ménagers (banc d'essai)", "theme": Theme.WASTE, "unit": "kg/hab"}
    )
    communes = list(Commune.objects.values_list("code", "departement_id", "population"))
    values = {
        (code, year): waste_value(code, dep, year, pop)
        for code, dep, pop in communes
        for year in YEARS
    }
    services.set_values(indicator, Level.COMMUNE, values)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "indicator": indicator,
        "communes": len(communes),
        "values": len(values),
        "load_s": round(time.perf_counter() - started, 1),
    }


def measure_pages(indicator) -> tuple[dict, dict]:
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    client = Client(SERVER_NAME="localhost")
    page = reverse("observatory:indicator", args=[indicator.slug]) + "?niveau=commune"
    data = reverse("observatory:values_json", args=[indicator.slug]) + "?niveau=commune"
    table = page + "&vue=tableau&tri=name&page=3"

    from tisser.observatory import queries

    def forget():
        """Empty Django's cache and this process's memos: a cold start."""
        cache.clear()
        queries._RANKED.clear()
        queries._MEMO.clear()
        queries._FOLDED.clear()

    def both():
        first = client.get(page)
        second = client.get(data)
        assert first.status_code == 200 and second.status_code == 200
        return second

    body = both().content
    calls = [both] * ITERATIONS
    uncached = time_calls(calls, warmup=1, before=forget)
    cached = time_calls(calls, warmup=1)
    table_view = time_calls([lambda: client.get(table)] * ITERATIONS, warmup=1, before=forget)
    sizes = {
        "values_json_kb": round(len(body) / 1024, 1),
        "values_json_gzip_kb": round(len(gzip.compress(body, 6)) / 1024, 1),
        "page_kb": round(len(client.get(page).content) / 1024, 1),
    }
    return (
        {"uncached": uncached, "cached": cached, "table_uncached": table_view},
        sizes,
    )


def sirene_sample() -> tuple[Path, Path]:
    """The synthetic stock files, made once per size and kept in the temporary folder."""
    from tisser.observatory.sirene.sample import write_sample
    from tisser.territories.models import Commune

    folder = Path(tempfile.gettempdir()) / f"tisser-bench-sirene-{SIRENE_ROWS}"
    units, ests = folder / "StockUniteLegale_utf8.csv", folder / "StockEtablissement_utf8.csv"
    if units.exists() and ests.exists() and (folder / "complete").exists():
        return units, ests
    communes = [
        (code, name, (postcodes.split(",") or [""])[0])
        for code, name, postcodes in Commune.objects.values_list("code", "name", "postcodes")
    ]
    units, ests = write_sample(
        folder, communes, establishments=SIRENE_ROWS, ess_share=0.05, per_unit=2, seed=7
    )
    (folder / "complete").write_text("ok")
    return units, ests


def measure_sirene() -> dict:
    from tisser.observatory.sirene.reading import read_ess_units, read_establishments
    from tisser.observatory.sirene.running import communes_of

    started = time.perf_counter()
    units_path, est_path = sirene_sample()
    sample_s = time.perf_counter() - started
    communes = communes_of("dep-80")
    started = time.perf_counter()
    units = read_ess_units(units_path)
    units_s = time.perf_counter() - started
    runs = []
    for _ in range(3):
        stats = {}
        started = time.perf_counter()
        matched = sum(1 for _row in read_establishments(est_path, units, communes, stats=stats))
        runs.append(time.perf_counter() - started)
    rows = stats["rows"]
    best = min(runs)
    started = time.perf_counter()
    with open(est_path, encoding="utf-8", newline="") as f:
        plain = sum(
            1
            for r in csv.DictReader(f)
            if r["siren"] in units
            and r["codeCommuneEtablissement"] in communes
            and r["etatAdministratifEtablissement"] == "A"
        )
    plain_s = time.perf_counter() - started
    started = time.perf_counter()
    with open(est_path, encoding="utf-8", newline="", buffering=1 << 20) as f:
        for _line in f:
            pass
    ceiling_s = time.perf_counter() - started
    assert plain == matched, (plain, matched)
    return {
        "rows": rows,
        "matched": matched,
        "ess_units": len(units),
        "file_mb": round(est_path.stat().st_size / 1e6, 1),
        "sample_s": round(sample_s, 1),
        "units_read_s": round(units_s, 2),
        "establishments_read_s": [round(r, 3) for r in runs],
        "rows_per_s": round(rows / best),
        "plain_csv_rows_per_s": round(rows / plain_s),
        "bare_lines_per_s": round(rows / ceiling_s),
        "paths": (units_path, est_path),
    }


def measure_sirene_import(paths) -> dict:
    """The whole import of the Somme's ESS organisations on the import engine: the check
    (files read, one row per legal unit), then the run (files read again, merge)."""
    from tisser.core.imports import engine
    from tisser.observatory.sirene.running import start_sirene_import

    started = time.perf_counter()
    job = start_sirene_import(str(paths[0]), str(paths[1]), "dep-80")
    job = engine.check_job(job.pk)
    check_s = time.perf_counter() - started
    engine.confirm(job)
    job = engine.run_job(job.pk)
    return {
        "status": job.status,
        "seconds": round(time.perf_counter() - started, 2),
        "check_s": round(check_s, 2),
        "organisations": job.total,
        **job.counts.get("run", {}),
        **{k: v for k, v in job.counts.items() if k not in {"run", "check"}},
    }


def child(vendor: str) -> int:
    with BenchDatabase(vendor, pg_name=PG_NAME):
        loaded = load(vendor)
        print(
            f"loaded {loaded['communes']} communes, {loaded['values']} values in "
            f"{loaded['load_s']} s",
            flush=True,
        )
        timings, sizes = measure_pages(loaded["indicator"])
        sirene = measure_sirene()
        imported = measure_sirene_import(sirene.pop("paths"))
        metrics = {
            "communes_indicator_page_s": round(timings["uncached"]["p95_ms"] / 1000, 3),
            "communes_indicator_page_p50_s": round(timings["uncached"]["p50_ms"] / 1000, 3),
            "communes_indicator_page_cached_s": round(timings["cached"]["p95_ms"] / 1000, 3),
            "communes_table_page_s": round(timings["table_uncached"]["p95_ms"] / 1000, 3),
            **sizes,
            "sirene_rows_per_s": sirene["rows_per_s"],
            "sirene_plain_csv_rows_per_s": sirene["plain_csv_rows_per_s"],
            "sirene_bare_lines_per_s": sirene["bare_lines_per_s"],
            "sirene_ratio_to_plain_csv": round(
                sirene["rows_per_s"] / sirene["plain_csv_rows_per_s"], 1
            ),
            "sirene_import_somme_s": imported["seconds"],
        }
        params = {
            "communes": loaded["communes"],
            "values": loaded["values"],
            "iterations": ITERATIONS,
            "sirene_rows": SIRENE_ROWS,
        }
        notes = {
            "load_average": load_average(),
            "timings_ms": timings,
            "sirene": sirene,
            "sirene_import": imported,
            "load_s": loaded["load_s"],
        }
        for key, value in metrics.items():
            print(f"  {key}: {value}")
        path = write_result("observatory", vendor, params, metrics, notes)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    main_per_database(__file__, child)
