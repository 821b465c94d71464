"""Benchmark of the JSON API and of outgoing webhooks (PostgreSQL, and SQLite).

For each database, in its own process: migrate, load the territories, generate the
200,000-actor demo network, then
- time `GET /api/v1/organisations/?page_size=100` with two filters (category and
  territory, category and membership, legal form and territory; pages 1 to 5) through
  Django's test client (the whole middleware stack, no network), with the CPU time of
  this process and the SQL statements per request; once as deployed, once with Django's
  cache cleared before every request (the totals are not cached: a large one is the
  planner's estimate, see core.api.page_of; the cold run checks that nothing else is);
- start one real Celery worker (solo pool, the default folder broker), emit 2,000 webhook
  events in one transaction towards a receiver on loopback (a separate process), and
  time from the commit to the last delivery recorded.
Writes benchmarks/results/api-<database>.json.

    make bench NAME=api
    TISSER_BENCH_ACTORS=20000 TISSER_BENCH_DATABASES=postgresql ...  # a quicker look
"""

from __future__ import annotations

import multiprocessing
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CHILD_ENV,
    ROOT,
    BenchDatabase,
    databases,
    load_average,
    time_calls,
    write_result,
)

ACTORS = int(os.environ.get("TISSER_BENCH_ACTORS", "200000"))
ITERATIONS = int(os.environ.get("TISSER_BENCH_ITERATIONS", "200"))
DELIVERIES = int(os.environ.get("TISSER_BENCH_DELIVERIES", "2000"))
SEED = 1
DEPARTEMENTS = ["dep-02", "dep-59", "dep-60", "dep-62", "dep-80"]


def analyse_database() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _receiver(port_queue):
    """A loopback receiver in its own process: answers 204 to every POST, as fast as
    Python's threading HTTP server can."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def organisations_page(client, *, cold_counts: bool = False) -> tuple[dict, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tisser.directory.models import Category, LegalForm

    rng = random.Random(SEED)
    categories = list(Category.objects.values_list("slug", flat=True))
    forms = ["association", "scop", "scic", LegalForm.values[0]]
    counts, queries = [], []

    def params():
        pick = rng.randrange(3)
        if pick == 0:
            filters = {"category": rng.choice(categories), "territory": rng.choice(DEPARTEMENTS)}
        elif pick == 1:
            filters = {"category": rng.choice(categories), "member": "1"}
        else:
            filters = {"legal_form": rng.choice(forms), "territory": rng.choice(DEPARTEMENTS)}
        return {**filters, "page_size": 100, "page": rng.randint(1, 5)}

    def call_with(query):
        def call():
            with CaptureQueriesContext(connection) as captured:
                response = client.get("/api/v1/organisations/", query)
            if response.status_code == 404:  # fewer than 5 pages for this filter
                return
            assert response.status_code == 200, (query, response.content[:300])
            counts.append(response.json()["count"])
            queries.append(len(captured.captured_queries))

        return call

    from django.core.cache import cache

    cache.clear()
    stats = time_calls(
        [call_with(params()) for _ in range(ITERATIONS)],
        warmup=10,
        before=cache.clear if cold_counts else None,  # every count computed afresh
    )
    counts.sort()
    shape = {
        "matches_min_median_max": [counts[0], counts[len(counts) // 2], counts[-1]],
        "sql_statements_per_request_max": max(queries),
    }
    return stats, shape


def webhook_deliveries(database_url: str, data_dir: Path) -> dict:
    from django.db import transaction

    from tisser.core import webhooks
    from tisser.core.models import WebhookDelivery

    webhooks.register_event("bench.event", "Benchmark")
    ports = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=_receiver, args=(ports,), daemon=True)
    receiver.start()
    port = ports.get(timeout=10)
    worker_dir = data_dir / "worker"
    for folder in ("in", "processed", "control"):
        (worker_dir / "broker" / folder).mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tisser.settings",
        DATABASE_URL=database_url,
        TISSER_DATA_DIR=str(worker_dir),
        BROKER_URL="filesystem://",
        TISSER_TASKS_EAGER="0",
    )
    log = open(data_dir / "worker.log", "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tisser", "worker", "--pool", "solo",
         "--loglevel", "INFO", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--hostname", f"bench-{os.getpid()}@localhost"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        from django.conf import settings

        from tisser.celery import app

        settings.DEBUG = True
        app.conf.broker_transport_options = {
            "data_folder_in": str(worker_dir / "broker" / "in"),
            "data_folder_out": str(worker_dir / "broker" / "in"),
            "processed_folder": str(worker_dir / "broker" / "processed"),
            "control_folder": str(worker_dir / "broker" / "control"),
            "store_processed": False,
        }
        webhooks.create_endpoint(url=f"http://127.0.0.1:{port}/hook", events=["bench.event"])
        ready_by = time.monotonic() + 120
        while b" ready." not in (data_dir / "worker.log").read_bytes():
            assert worker.poll() is None and time.monotonic() < ready_by, "worker did not start"
            time.sleep(0.2)
        payload = {"id": 1, "event": "fresque-ess", "status": "confirmed", "first_name": "Inès",
                   "last_name": "Lien", "email": "ines@example.org", "price": "12.00"}  # fmt: skip
        started_cpu = time.process_time()
        with transaction.atomic():
            for n in range(DELIVERIES):
                webhooks.emit("bench.event", {**payload, "id": n})
        emit_cpu_ms = (time.process_time() - started_cpu) * 1000
        committed = time.perf_counter()
        deadline = committed + 600
        while time.perf_counter() < deadline:
            done = WebhookDelivery.objects.filter(status="delivered").count()
            if done >= DELIVERIES:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - committed
        done = WebhookDelivery.objects.filter(status="delivered").count()
        assert done == DELIVERIES, (done, (data_dir / "worker.log").read_text()[-3000:])
        # The ceiling on this machine: bare posts of the same body, one at a time, through
        # one pooled client, with no database and no signing.
        import httpx

        body = WebhookDelivery.objects.first().body.encode()
        with httpx.Client() as bare:
            started = time.perf_counter()
            for _ in range(500):
                bare.post(f"http://127.0.0.1:{port}/hook", content=body)
            ceiling = 500 / (time.perf_counter() - started)
        return {
            "webhook_deliveries_per_s": round(DELIVERIES / elapsed, 1),
            "webhook_bare_sequential_posts_per_s": round(ceiling, 1),
            "webhook_emit_cpu_per_event_ms": round(emit_cpu_ms / DELIVERIES, 3),
        }
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        receiver.terminate()
        log.close()


def measure(database: str) -> None:
    load_at_start = load_average()
    with BenchDatabase(database, pg_name="tisser_bench_api") as bench:
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from tisser.directory.demo import build_demo_network

        call_command("migrate", verbosity=0)
        call_command("load_territories", verbosity=0)
        build_demo_network(size=ACTORS, seed=SEED)
        analyse_database()
        client = Client(SERVER_NAME="localhost")
        page, shape = organisations_page(client)
        cold, _shape = organisations_page(client, cold_counts=True)
        url = os.environ["DATABASE_URL"]
        connection.close()
        hooks = webhook_deliveries(url, Path(bench.tmp.name))
        metrics = {
            "organisations_page_p95_ms": page["p95_ms"],
            "organisations_page_p50_ms": page["p50_ms"],
            "organisations_page_cpu_p95_ms": page["cpu_p95_ms"],
            "organisations_page_cpu_p50_ms": page["cpu_p50_ms"],
            "organisations_page_uncached_count_p95_ms": cold["p95_ms"],
            "organisations_page_uncached_count_p50_ms": cold["p50_ms"],
            **hooks,
        }
        params = {
            "actors": ACTORS,
            "page_size": 100,
            "iterations": ITERATIONS,
            "deliveries": DELIVERIES,
            **shape,
            "load_average_at_start": load_at_start,
            "load_average_at_end": load_average(),
        }
        path = write_result("api", database, params, metrics)
        print(metrics, params, f"→ {path.relative_to(ROOT)}", sep="\n")


if __name__ == "__main__":
    if database := os.environ.get(CHILD_ENV):
        measure(database)
    else:
        chosen = os.environ.get("TISSER_BENCH_DATABASES")
        worst = 0
        for name in chosen.split(",") if chosen else databases():
            print(f"-- api on {name}", flush=True)
            env = dict(os.environ, **{CHILD_ENV: name})
            worst = max(worst, subprocess.call([sys.executable, __file__], env=env, cwd=ROOT))
        sys.exit(worst)
