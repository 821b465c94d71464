"""The registrations benchmark's served app: its database, gunicorn started on loopback,
the HTTP clients (`request`, `send_raw`) and the CPU of the web workers and PostgreSQL
backends read from /proc."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, BenchDatabase  # noqa: E402

WORKERS = int(os.environ.get("TISSER_BENCH_WORKERS", "4"))
SLUG = "rush"


class EventsBenchDatabase(BenchDatabase):
    PG_NAME = "bench_events"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, env: dict) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "tisser.wsgi",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _body, _headers = request(port, "GET", "/agenda/")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, response.getheaders()
    finally:
        conn.close()


def send_raw(port: int, data: bytes) -> int:
    """One pre-built HTTP/1.1 request on its own connection; the status code.

    The leanest client Python has (no header building or parsing): gunicorn's sync workers
    close every connection after the response anyway, so keep-alive would not hold."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head = b"".join(chunks[:1])
    return int(head[9:12]) if head.startswith(b"HTTP/1.") else 0


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def database_pids() -> list[int]:
    import psycopg

    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres") as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [EventsBenchDatabase.PG_NAME]
        ).fetchall()
    return [row[0] for row in rows]


def cpu_of(pids: list[int]) -> dict[int, float]:
    return {pid: _cpu_seconds(pid) for pid in pids}
