"""The registrations benchmark's load drivers: the rush of registrations (the real form or
the minimal view, from pre-built requests) and the agenda's load (wrk or Python threads)."""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import percentile  # noqa: E402
from registrations_serve import SLUG, request, send_raw  # noqa: E402

ATTEMPTS = int(os.environ.get("TISSER_BENCH_ATTEMPTS", "1500"))
CLIENTS = int(os.environ.get("TISSER_BENCH_CLIENTS", "16"))
AGENDA_CLIENTS = 50
AGENDA_REQUESTS = int(os.environ.get("TISSER_BENCH_AGENDA_REQUESTS", "1000"))  # threads
AGENDA_SECONDS = int(os.environ.get("TISSER_BENCH_AGENDA_SECONDS", "10"))  # wrk
ORGANISATIONS = 60  # registrants come from this many organisations (found after the first)


def csrf_session(port) -> tuple[str, str]:
    """Fetch the form like a browser: its CSRF cookie and the token in the page."""
    status, body, headers = request(port, "GET", f"/agenda/{SLUG}/inscription/")
    assert status == 200, status
    cookie = next(v for k, v in headers if k.lower() == "set-cookie" and "csrftoken" in v)
    cookie = cookie.split(";", 1)[0]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    return cookie, token


def rush(
    port, question_id, path=f"/agenda/{SLUG}/inscription/", sessions=None, people=None
) -> dict:
    """Different people (`people`: their numbers, all ATTEMPTS by default) post the form at
    once from CLIENTS threads (to `path`: the real form, or the minimal view with the very
    same requests)."""
    people = list(people if people is not None else range(ATTEMPTS))
    sessions = sessions or [csrf_session(port) for _ in range(CLIENTS)]
    local = threading.local()
    barrier = threading.Barrier(CLIENTS)

    referer = f"http://127.0.0.1:{port}{path}"
    # Every request is built before the clock starts: the client only sends and reads.
    prepared = [
        (
            urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "first_name": f"Prénom{n}",
                    "last_name": "Rush",
                    "email": f"rush{n}@example.org",
                    "organisation": f"Structure {n % ORGANISATIONS}",
                    f"question_{question_id}": "Végétarien" if n % 3 else "Aucun",
                }
            ).encode(),
            cookie,
        )
        for n, (cookie, token) in ((n, sessions[n % CLIENTS]) for n in people)
    ]
    prepared = [
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nCookie: {cookie}\r\nReferer: {referer}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        + body
        for body, cookie in prepared
    ]

    def attempt(n: int):
        if not hasattr(local, "ready"):
            local.ready = True
            barrier.wait()
        started = time.perf_counter()
        status = send_raw(port, prepared[n])
        return status, (time.perf_counter() - started) * 1000

    cpu_before = time.process_time()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(attempt, range(len(people))))
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_before
    latencies = [ms for _status, ms in results]
    statuses = {}
    for status, _ms in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "elapsed_s": elapsed,
        "latencies": latencies,
        "client_cpu_s": client_cpu,
        "statuses": statuses,
    }


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("TISSER %d %d %d %f %f\\n", summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000))
end
"""


def agenda(port) -> dict:
    """50 concurrent clients on /agenda/: wrk (C, event loop) when installed, else threads."""
    for _ in range(10):
        request(port, "GET", "/agenda/")
    if shutil.which("wrk"):
        return agenda_wrk(port)
    print(
        "wrk is not installed (apt-get install wrk): the agenda is loaded by Python threads, "
        "whose own CPU competes with the server; agenda_client is 'python-threads'."
    )
    return agenda_threads(port)


def agenda_wrk(port) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        output = subprocess.run(
            [
                "wrk",
                "--threads",
                "2",
                "--connections",
                str(AGENDA_CLIENTS),
                "--duration",
                f"{AGENDA_SECONDS}s",
                "--timeout",
                "10s",
                "--script",
                script.name,
                f"http://127.0.0.1:{port}/agenda/",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(line for line in output.splitlines() if line.startswith("TISSER "))
    requests, errors, bad_status, p50, p95 = line.split()[1:]
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "client": "wrk",
        "requests": int(requests),
        "p50": float(p50),
        "p95": float(p95),
        "per_s": int(requests) / AGENDA_SECONDS,
        "errors": int(errors) + int(bad_status),
        "client_cpu_ms": 1000 * cpu / max(1, int(requests)),
    }


def agenda_threads(port) -> dict:
    def load(_):
        started = time.perf_counter()
        status, _body, _headers = request(port, "GET", "/agenda/")
        return status, (time.perf_counter() - started) * 1000

    cpu_before = time.process_time()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=AGENDA_CLIENTS) as pool:
        results = list(pool.map(load, range(AGENDA_REQUESTS)))
    elapsed = time.perf_counter() - started
    latencies = [ms for _s, ms in results]
    return {
        "client": "python-threads",
        "requests": AGENDA_REQUESTS,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "per_s": AGENDA_REQUESTS / elapsed,
        "errors": sum(1 for s, _ms in results if s != 200),
        "client_cpu_ms": 1000 * (time.process_time() - cpu_before) / AGENDA_REQUESTS,
    }
