"""The registration rush of the rehearsal: people register through the load balancer
from concurrent clients while web1 is killed and brought back, then the checks of what
the database holds (no place sold twice, no accepted registration lost)."""

from __future__ import annotations

import http.client
import re
import socket
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from common import cpu_seconds  # benchmarks/ is on the path

from .hosts import LB_PORT, Hosts
from .netns import Topology, pids_in
from .params import (
    ALREADY,
    ATTEMPTS,
    CLIENTS,
    DOWN_S,
    LB,
    MAX_TRIES,
    PLACES,
    SLUG,
    WEB_WORKERS,
    log,
)

# --- the load balancer ---------------------------------------------------------------------


def haproxy_status(socket_path: Path) -> dict[str, str]:
    """Each web host's state as HAProxy sees it (UP, DOWN…)."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(2)
        sock.connect(str(socket_path))
        sock.sendall(b"show stat\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    lines = data.decode().splitlines()
    header = lines[0].lstrip("# ").split(",")
    states = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split(","), strict=False))
        if row.get("pxname") == "web" and row.get("svname", "").startswith("web"):
            states[row["svname"]] = row.get("status", "")
    return states


def wait_until_up(socket_path: Path, hosts: tuple[str, ...], timeout: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        states = haproxy_status(socket_path)
        if all(states.get(h, "").startswith("UP") for h in hosts):
            return time.monotonic()
        time.sleep(0.1)
    raise RuntimeError(f"the load balancer does not see {hosts} up: {states}")


# --- the registration rush -----------------------------------------------------------------


def lb_request(method: str, path: str, body: bytes = b"", headers=None, timeout: float = 60):
    conn = http.client.HTTPConnection(LB, LB_PORT, timeout=timeout)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        conn.close()


def csrf_session() -> tuple[str, str]:
    status, body, headers = lb_request("GET", f"/agenda/{SLUG}/inscription/")
    if status != 200:
        raise RuntimeError(f"the registration form answered {status}: {body[:300]!r}")
    cookie = next(v for k, v in headers if k.lower() == "set-cookie" and "csrftoken" in v)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    return cookie.split(";", 1)[0], token


class CpuMeter:
    """CPU time used by each host's processes meanwhile, read from /proc every 0.2 s (a
    process killed loses at most its last 0.2 s; one started meanwhile counts from 0)."""

    def __init__(self, topology: Topology, hosts: tuple[str, ...]):
        self.pids_in = lambda host: pids_in(topology.name(host))
        self.hosts = hosts
        self.start = {h: {p: cpu_seconds(p) for p in self.pids_in(h)} for h in hosts}
        self.last = {h: dict(v) for h, v in self.start.items()}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        while not self.done.wait(0.2):
            for host in self.hosts:
                for pid in self.pids_in(host):
                    if (value := cpu_seconds(pid)) >= 0:
                        self.last[host][pid] = value

    def stop(self) -> dict[str, float]:
        self.done.set()
        self.thread.join()
        return {
            h: sum(v - max(0.0, self.start[h].get(p, 0.0)) for p, v in self.last[h].items())
            for h in self.hosts
        }


def rush(hosts: Hosts, haproxy_socket: Path) -> dict:
    """`ATTEMPTS` different people register through the load balancer from `CLIENTS`
    concurrent clients; web1 is killed a third of the way through and restarted."""
    # Every web worker answers once (its first request imports the apps) before the clock.
    sessions = [csrf_session() for _ in range(max(CLIENTS, 4 * WEB_WORKERS))][:CLIENTS]
    path = f"/agenda/{SLUG}/inscription/"
    requests = []
    for n in range(ATTEMPTS):
        cookie, token = sessions[n % CLIENTS]
        body = urlencode(
            {
                "csrfmiddlewaretoken": token,
                "first_name": f"Prénom{n}",
                "last_name": "Répétition",
                "email": f"rush{n}@example.org",
                "organisation": f"Structure {n % 60}",
            }
        ).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"http://{LB}{path}",
            "Accept-Language": "en",
            "Connection": "close",
        }
        requests.append((body, headers))
    origin = time.monotonic()
    done = [0]
    lock = threading.Lock()
    errors: list[tuple[float, str]] = []
    outcomes: list[tuple[str, int]] = [("", 0)] * ATTEMPTS
    latencies: list[float] = []

    def attempt(n: int) -> None:
        body, headers = requests[n]
        for tries in range(1, MAX_TRIES + 1):
            sent_at = time.perf_counter()
            try:
                status, content, _headers = lb_request("POST", path, body, headers)
            except OSError as error:
                status, content = 0, type(error).__name__.encode()
            latencies.append(time.perf_counter() - sent_at)
            if status == 302:
                outcomes[n] = ("accepted", tries)
                break
            if status == 400 and any(marker in content for marker in ALREADY):
                outcomes[n] = ("accepted earlier", tries)  # an answer lost, not the attempt
                break
            if not status:
                kind = content.decode()  # the connection failed: the exception's name
            elif b"No server is available" in content or b"Bad Gateway" in content:
                kind = f"{status} from the balancer"
            else:
                kind = f"{status} from the application"
            with lock:
                errors.append((time.monotonic() - origin, kind))
            time.sleep(0.5)
        else:
            outcomes[n] = ("failed", MAX_TRIES)
        with lock:
            done[0] += 1

    failure: dict = {}

    def fail_web1() -> None:
        while done[0] < ATTEMPTS // 3:
            time.sleep(0.02)
        failure["kill_at"] = time.monotonic() - origin
        failure["processes"] = hosts.kill_host("web1")
        log(f"web1 killed ({failure['processes']} processes) at {failure['kill_at']:.1f} s")
        time.sleep(DOWN_S)
        hosts.start_web("web1", WEB_WORKERS)
        failure["restarted_at"] = time.monotonic() - origin
        failure["back_at"] = wait_until_up(haproxy_socket, ("web1",)) - origin
        log(f"web1 back in the load balancer at {failure['back_at']:.1f} s")

    killer = threading.Thread(target=fail_web1)
    meter = CpuMeter(hosts.topology, ("web1", "web2", "db"))
    killer.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(attempt, range(ATTEMPTS)))
    elapsed = time.perf_counter() - started
    cpu = meter.stop()
    killer.join()
    kill_at = failure["kill_at"]
    after = [t for t, _kind in errors if t >= kill_at]
    return {
        "elapsed_s": elapsed,
        "outcomes": outcomes,
        "errors": errors,
        "error_kinds": dict(Counter(kind for _t, kind in errors)),
        "recovery_s": (max(after) - kill_at) if after else 0.0,
        "rejoined_s": failure["back_at"] - kill_at,
        "web_cpu_ms": 1000 * (cpu["web1"] + cpu["web2"]) / ATTEMPTS,
        "db_cpu_ms": 1000 * cpu["db"] / ATTEMPTS,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * sorted(latencies)[int(0.99 * (len(latencies) - 1))],
        "failure": failure,
    }


def check_registrations(event_id: int, outcomes) -> dict:
    from django.db.models import Count

    from tisser.events.models import Registration, Session

    accepted = {f"rush{n}@example.org" for n, (o, _t) in enumerate(outcomes) if o.startswith("acc")}
    live = Registration.objects.filter(event_id=event_id).exclude(status="cancelled")
    rows = list(live.values_list("person__email", "status"))
    registered = {email for email, _status in rows}
    confirmed = sum(1 for _e, s in rows if s == "confirmed")
    waitlisted = sum(1 for _e, s in rows if s == "waitlisted")
    taken = Session.objects.get(event_id=event_id).taken
    return {
        "accepted": len(accepted),
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "overbooked": max(0, confirmed - PLACES) + abs(taken - confirmed),
        "lost_registrations": len(accepted - registered),
        "unanswered_registrations": len(registered - accepted),
        "failed_attempts": sum(1 for o, _t in outcomes if o == "failed"),
        "duplicate_registrations": live.values("person")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
    }
