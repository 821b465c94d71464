"""Benchmark of the import engine on SQLite and PostgreSQL: rows per second of each import
and the worker's peak memory on a million-line file.

For each database (a fresh SQLite file; `bench_imports` on the local PostgreSQL when it
answers), in its own process: migrate, load the territories, then through the engine
exactly as the worker runs it (store → check → run, in this process):

- subscribers: a Brevo export of `TISSER_BENCH_SUBSCRIBERS` (100,000) addresses, 5 % of
  them already in the contacts base;
- organisations: a file of `TISSER_BENCH_ORGANISATIONS` (20,000) rows with communes and
  categories, a tenth of them naming an organisation already in the directory (found by
  de-duplication and updated);
- GoGoCarto: a JSON export of `TISSER_BENCH_GOGOCARTO` (5,000) elements.

Rows per second are counted over the check and the run together (what staff wait for),
and over the run alone; CPU seconds are this process's, and on PostgreSQL also with its
server process's (read from /proc: the database runs on this machine). Then a child process checks a `TISSER_BENCH_RSS_ROWS` (1,000,000) line
subscriber file, then checks and runs a 100,000-line one, and reports its peak RSS.
Writes benchmarks/results/imports-<database>.json.

    make bench NAME=imports    # or: .venv/bin/python benchmarks/imports.py

Steps can be skipped by setting their size to 0; with `TISSER_BENCH_KEEP=1` the figures
of the skipped steps are kept from the last result file.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CHILD_ENV,
    RESULTS,
    BenchDatabase,
    cpu_seconds,
    load_average,
    run_per_database,
    write_result,
)

SUBSCRIBERS = int(os.environ.get("TISSER_BENCH_SUBSCRIBERS", "100000"))
ORGANISATIONS = int(os.environ.get("TISSER_BENCH_ORGANISATIONS", "20000"))
GOGOCARTO = int(os.environ.get("TISSER_BENCH_GOGOCARTO", "5000"))
RSS_ROWS = int(os.environ.get("TISSER_BENCH_RSS_ROWS", "1000000"))
RSS_ENV = "TISSER_BENCH_RSS_FILE"
RUN_ROWS = 100_000
BenchDatabase.PG_NAME = "bench_imports"  # never another checkout's database


def subscriber_file(path: Path, count: int, start: int = 0) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("EMAIL;NOM;PRENOM;DOUBLE_OPT-IN;ADDED_TIME\n")
        for n in range(start, start + count):
            handle.write(f"abonne{n}@exemple.fr;Nom{n};Prénom;Yes;2025-03-02 10:15:00\n")


class _File:
    """An upload read from disk chunk by chunk (as Django's UploadedFile does)."""

    def __init__(self, path: Path):
        self.path = path

    def chunks(self, size):
        with open(self.path, "rb") as handle:
            while piece := handle.read(size):
                yield piece


def timed_import(kind_start, path: Path, name: str, **kwargs) -> dict:
    """Store, check and run one file in this process; wall and CPU seconds of each step."""
    from django.db import connection

    from tisser.core.imports import engine

    out = {}
    started, cpu = time.perf_counter(), time.process_time()
    job = kind_start(name, _File(path), **kwargs)
    out["store_s"] = time.perf_counter() - started
    backend = _backend_pid()
    db_cpu = cpu_seconds(backend) if backend else 0.0
    started, cpu = time.perf_counter(), time.process_time()
    job = engine.check_job(job.pk) or job
    out["check_s"], out["check_cpu_s"] = time.perf_counter() - started, time.process_time() - cpu
    assert job.status == "checked" and not job.error_count, (job.status, job.errors[:3])
    engine.confirm(job)
    started, cpu = time.perf_counter(), time.process_time()
    job = engine.run_job(job.pk)
    out["run_s"], out["run_cpu_s"] = time.perf_counter() - started, time.process_time() - cpu
    if backend and _backend_pid() == backend:
        out["db_cpu_s"] = cpu_seconds(backend) - db_cpu
    assert job.status == "done", job.message
    out["rows"] = job.total
    out["counts"] = job.counts["run"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return out


def _backend_pid() -> int:
    """The PostgreSQL server process serving this connection (0 on SQLite): its CPU time
    is read from /proc, the server running on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def rates(prefix: str, result: dict) -> dict:
    rows = result["rows"]
    both = result["check_s"] + result["run_s"]
    cpu = result["check_cpu_s"] + result["run_cpu_s"]
    out = {
        f"{prefix}_rows_per_s": round(rows / both),
        f"{prefix}_run_rows_per_s": round(rows / result["run_s"]),
        f"{prefix}_check_rows_per_s": round(rows / result["check_s"]),
        f"{prefix}_cpu_rows_per_s": round(rows / cpu),
        f"{prefix}_seconds": round(both, 1),
    }
    if result.get("db_cpu_s", 0) > 0:
        # This process and its database server process together: what one import costs
        # the machine, whatever else the machine was running.
        out[f"{prefix}_with_db_cpu_rows_per_s"] = round(rows / (cpu + result["db_cpu_s"]))
    return out


def bench_subscribers(tmp: Path) -> dict:
    from tisser.directory.models import Person
    from tisser.publications import imports
    from tisser.publications.models import MailingList

    mailing_list = MailingList.objects.create(name="Infolettre", slug="infolettre")
    Person.objects.bulk_create(
        [Person(email=f"abonne{n}@exemple.fr") for n in range(0, SUBSCRIBERS, 20)]
    )
    path = tmp / "brevo.csv"
    subscriber_file(path, SUBSCRIBERS)
    result = timed_import(imports.start_import, path, "brevo.csv", mailing_list=mailing_list)
    return rates("subscribers", result)


def organisation_file(path: Path, count: int, communes: list, categories: list) -> None:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["nom", "commune", "code_postal", "categories", "site_web", "email"])
        for n in range(count):
            commune = communes[n % len(communes)]
            writer.writerow(
                [
                    f"Structure {n}",
                    commune[0],
                    commune[1],
                    categories[n % len(categories)],
                    f"https://s{n}.example.org",
                    f"contact@s{n}.example.org",
                ]
            )


def bench_organisations(tmp: Path) -> dict:
    from tisser.directory.contacts import services
    from tisser.directory.imports import start_import
    from tisser.directory.models import Category, Organisation
    from tisser.territories.models import Commune

    categories = [
        Category.objects.create(name=name, slug=slug).slug
        for slug, name in [("alimentation", "Alimentation"), ("mobilite", "Mobilité")]
    ]
    communes = [
        (c.code, (c.postcodes or [""])[0])
        for c in Commune.objects.filter(departement_id="59").order_by("code")[:200]
    ]
    # A tenth of the file names organisations already in the directory.
    for n in range(0, ORGANISATIONS, 10):
        services.create_organisation(
            {"name": f"STRUCTURE {n}", "commune": communes[n % len(communes)][0]}
        )
    before = Organisation.objects.count()
    path = tmp / "organisations.csv"
    organisation_file(path, ORGANISATIONS, communes, categories)
    result = timed_import(start_import, path, "organisations.csv")
    assert Organisation.objects.count() == before + ORGANISATIONS - ORGANISATIONS // 10
    metrics = rates("organisations", result)
    metrics["organisations_updated"] = result["counts"].get("updated", 0)
    return metrics


def bench_gogocarto(tmp: Path) -> dict:
    from tisser.directory.imports import gogocarto
    from tisser.territories.models import Commune

    towns = list(
        Commune.objects.filter(departement_id="62")
        .order_by("code")
        .values_list("name", "postcodes")[:100]
    )
    elements = [
        {
            "id": f"g{n}",
            "name": f"Élément {n}",
            "geo": {"latitude": 50.4 + n % 100 / 1000, "longitude": 2.8 + n % 70 / 1000},
            "address": {
                "streetAddress": f"{n} rue Principale",
                "addressLocality": towns[n % len(towns)][0],
                "postalCode": (towns[n % len(towns)][1] or [""])[0],
            },
            "categories": ["Alimentation"],
            "description": "Un acteur de la carte.",
            "website": f"https://g{n}.example.org",
        }
        for n in range(GOGOCARTO)
    ]
    path = tmp / "carte.json"
    path.write_text(json.dumps({"data": elements}, ensure_ascii=False), encoding="utf-8")
    return rates("gogocarto", timed_import(gogocarto.start_import, path, "carte.json"))


def peak_rss_child() -> None:
    """In a child process: check a million-line subscriber file, then check and run a
    100,000-line one; print the peak RSS (MB) of the whole.

    The check holds what grows with the file (the addresses seen, to report repeats); the
    run's memory is one batch at a time, whatever the file's length, so its share is
    measured on a shorter file to keep the benchmark within minutes here."""
    from tisser.core.imports import engine
    from tisser.publications import imports
    from tisser.publications.models import MailingList

    mailing_list, _ = MailingList.objects.get_or_create(name="Grande liste", slug="grande")
    path = Path(os.environ[RSS_ENV])
    job = imports.start_import(path.name, _File(path), mailing_list)
    started = time.process_time()
    job = engine.check_job(job.pk)
    assert job.status == "checked" and job.total == RSS_ROWS, (job.status, job.total)
    check_cpu = time.process_time() - started
    run_path = path.with_name("run.csv")
    subscriber_file(run_path, RUN_ROWS, start=20_000_000)
    job = imports.start_import(run_path.name, _File(run_path), mailing_list)
    engine.check_job(job.pk)
    engine.confirm(job)
    job = engine.run_job(job.pk)
    assert job.status == "done" and job.done == RUN_ROWS, (job.status, job.done, job.message)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_rss_mb": round(peak_kb / 1024, 1), "check_cpu_s": check_cpu}))


def measure_peak_rss(tmp: Path) -> dict:
    path = tmp / "million.csv"
    subscriber_file(path, RSS_ROWS, start=10_000_000)
    env = dict(os.environ, **{RSS_ENV: str(path)})
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"the peak-memory child failed:\n{done.stderr[-3000:]}")
    output = done.stdout
    figures = json.loads(output.strip().splitlines()[-1])
    return {
        "worker_peak_rss_mb": figures["peak_rss_mb"],
        "million_lines_check_cpu_rows_per_s": round(RSS_ROWS / figures["check_cpu_s"]),
        "rss_seconds": round(time.perf_counter() - started, 1),
    }


def child() -> None:
    vendor = os.environ[CHILD_ENV]
    with BenchDatabase(vendor):
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("load_territories", verbosity=0)
        metrics = {}
        with tempfile.TemporaryDirectory(prefix="tisser-bench-imports-") as folder:
            tmp = Path(folder)
            steps = [
                (bench_subscribers, SUBSCRIBERS),
                (bench_organisations, ORGANISATIONS),
                (bench_gogocarto, GOGOCARTO),
            ]
            for step, count in steps:
                if not count:
                    continue
                figures = step(tmp)
                print(json.dumps(figures), flush=True)
                metrics.update(figures)
            if RSS_ROWS:
                figures = measure_peak_rss(tmp)
                print(json.dumps(figures), flush=True)
                metrics.update(figures)
        params = {
            "subscribers": SUBSCRIBERS,
            "organisations": ORGANISATIONS,
            "gogocarto_elements": GOGOCARTO,
            "rss_rows": RSS_ROWS,
        }
        previous = RESULTS / f"imports-{vendor}.json"
        if os.environ.get("TISSER_BENCH_KEEP") and previous.exists():
            # A run of some steps only (the others set to 0) completes the last full run.
            old = json.loads(previous.read_text(encoding="utf-8"))
            params = {k: v or old["params"].get(k, 0) for k, v in params.items()}
            metrics = {**old["metrics"], **metrics}
        path = write_result(
            "imports", vendor, params, metrics, notes={"load_average": load_average()}
        )
        print(f"wrote {path}")


if __name__ == "__main__":
    if os.environ.get(RSS_ENV):
        # The peak-memory child: the database of its parent, already migrated.
        import django

        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        django.setup()
        peak_rss_child()
    elif os.environ.get(CHILD_ENV):
        child()
    else:
        sys.exit(run_per_database(Path(__file__)))
