"""Helpers shared by the benchmarks: databases to run on, Django set-up, timing, results.

A benchmark runs each database in its own child process (Django is set up once per
process) and writes `benchmarks/results/<name>-<database>.json` in DESIGN.md's format:
`{"name", "when", "database", "params", "metrics"}` (plus free-form `notes`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
CHILD_ENV = "TISSER_BENCH_DATABASE"
PG_HOST, PG_PORT = "127.0.0.1", 5432


def postgres_reachable(host: str = PG_HOST, port: int = PG_PORT, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def databases() -> list[str]:
    """SQLite always; PostgreSQL when its port answers on this machine."""
    return ["sqlite", "postgresql"] if postgres_reachable() else ["sqlite"]


def run_per_database(script: Path) -> int:
    """Parent side: run `script` once per database in a child process; return the worst code."""
    worst = 0
    for database in databases():
        print(f"-- {script.stem} on {database}", flush=True)
        env = dict(os.environ, **{CHILD_ENV: database})
        worst = max(worst, subprocess.call([sys.executable, str(script)], env=env, cwd=ROOT))
    return worst


def main_per_database(script: str, measure) -> None:
    """A benchmark's entry point. In a child: `measure(database)` for the database named,
    its return (if any) the exit code; in the parent: one child per database, exiting
    with the worst code (run.py goes on to the next benchmark only when this one passed)."""
    if database := os.environ.get(CHILD_ENV):
        sys.exit(measure(database) or 0)
    sys.exit(run_per_database(Path(script).resolve()))


class BenchDatabase:
    """A throw-away database: a SQLite file in a temporary folder, or `pg_name`
    (`tisser_bench` by default) on the local PostgreSQL, created on enter and dropped on
    exit. Benchmarks that may run at the same time as others name their own database."""

    PG_NAME = "tisser_bench"

    def __init__(self, vendor: str, pg_name: str | None = None):
        self.vendor = vendor
        if pg_name:
            self.PG_NAME = pg_name
        self.tmp = tempfile.TemporaryDirectory(prefix=f"tisser-bench-{vendor}-")

    def __enter__(self) -> BenchDatabase:
        data_dir = Path(self.tmp.name)
        os.environ["TISSER_DATA_DIR"] = str(data_dir)
        os.environ.setdefault("TISSER_DEBUG", "0")  # no query log: it would skew timings
        if self.vendor == "sqlite":
            os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
        else:
            self._admin(f"DROP DATABASE IF EXISTS {self.PG_NAME}")
            self._admin(f"CREATE DATABASE {self.PG_NAME}")
            os.environ["DATABASE_URL"] = f"postgres://postgres@{PG_HOST}:{PG_PORT}/{self.PG_NAME}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tisser.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        return self

    def __exit__(self, *exc) -> None:
        from django.db import connections

        connections.close_all()
        if self.vendor == "postgresql":
            self._admin(f"DROP DATABASE IF EXISTS {self.PG_NAME}")
        self.tmp.cleanup()

    @staticmethod
    def _admin(sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)


def copy_rows(model, columns: list[str], rows) -> None:
    """COPY rows (tuples in `columns` order) into the model's table on PostgreSQL; every
    other column gets the field's default (Django's defaults live in Python, not in the
    table)."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    extra, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in columns:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
        if isinstance(value, dict | list):
            value = json.dumps(value)
        extra.append(field.column)
        values.append(value)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in [*columns, *extra])
    tail = tuple(values)
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(tuple(row) + tail)


def ids(model) -> list[int]:
    """Every primary key of a model's table, in order."""
    return list(model.objects.order_by("pk").values_list("pk", flat=True))


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0.95 → p95) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, int(round(fraction * len(ordered) + 0.5 - 1e-9)))
    return ordered[min(rank, len(ordered)) - 1]


def time_calls(calls: list[Callable[[], object]], warmup: int = 3, before=None) -> dict:
    """Run every call once (after `warmup` untimed ones); milliseconds p50/p95/max.

    `cpu_*` is this process's CPU time: with SQLite, the whole server-side cost without
    the waiting a busy machine adds (with PostgreSQL the database's share is elsewhere).
    """
    for call in calls[:warmup]:
        call()
    timings, cpu = [], []
    for call in calls:
        if before:
            before()  # untimed: e.g. empty a cache
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "max_ms": round(max(timings), 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(percentile(cpu, 0.95), 2),
        "n": len(timings),
    }


def write_result(name: str, database: str, params: dict, metrics: dict, notes=None) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{database}.json"
    body = {
        "name": name,
        "when": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "database": database,
        "params": params,
        "metrics": metrics,
    }
    if notes:
        body["notes"] = notes
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_average() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc; -1 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
