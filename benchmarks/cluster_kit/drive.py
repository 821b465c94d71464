"""The rehearsal's driver, run inside the "clients" namespace: servers up, data in, the
registration rush and the campaign, one web host and one worker host killed in the middle
and brought back, then the checks. Called by `benchmarks/cluster.py`, never directly.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from common import cpu_seconds, load_average, write_result  # benchmarks/ is on the path

from .hosts import LB_PORT, ROOT, SMTP_PORT, Hosts
from .netns import ADDRESSES, Topology, pids_in

SMALL = os.environ.get("TISSER_CLUSTER_SMALL", "") not in ("", "0")
ATTEMPTS = int(os.environ.get("TISSER_CLUSTER_ATTEMPTS", "200" if SMALL else "2000"))
PLACES = int(os.environ.get("TISSER_CLUSTER_PLACES", "50" if SMALL else "150"))
RECIPIENTS = int(os.environ.get("TISSER_CLUSTER_RECIPIENTS", "2000" if SMALL else "50000"))
CLIENTS = int(os.environ.get("TISSER_CLUSTER_CLIENTS", "16"))
WEB_WORKERS = int(os.environ.get("TISSER_CLUSTER_WEB_WORKERS", "2"))
DOWN_S = float(os.environ.get("TISSER_CLUSTER_DOWN_SECONDS", "5"))
CLAIM_SECONDS = int(os.environ.get("TISSER_CLUSTER_CLAIM_SECONDS", "15"))
MAX_TRIES = 8  # a person presses "register" again after an error, up to this many times
SLUG = "rehearsal"
LB = ADDRESSES["lb"]
ALREADY = (b"already registered", b"already on the waiting list", b"d\xc3\xa9j\xc3\xa0")


def log(message: str) -> None:
    print(f"[cluster] {message}", flush=True)


# --- setting up ---------------------------------------------------------------------------


def cluster_env(database_url: str, redis_url: str) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TISSER_", "DATABASE_", "BROKER"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tisser.settings",
        DATABASE_URL=database_url,
        BROKER_URL=f"{redis_url}/0",
        TISSER_CACHE_URL=f"{redis_url}/1",  # the shared cache, where the settings read it
        TISSER_SECRET_KEY=secrets.token_urlsafe(40),  # one key for every host (CSRF, links)
        TISSER_ALLOWED_HOSTS=",".join([LB, ADDRESSES["web1"], ADDRESSES["web2"]]),
        TISSER_SITE_URL=f"http://{LB}",
        TISSER_EMAIL_HOST=ADDRESSES["smtp"],
        TISSER_EMAIL_PORT=str(SMTP_PORT),
        TISSER_DEBUG="0",
        TISSER_LOG_LEVEL="WARNING",
        TISSER_TASKS_EAGER="0",
        TISSER_NEWSLETTER_MESSAGES_PER_SECOND="0",
        TISSER_NEWSLETTER_CONNECTIONS="4",
        # A claim left by a killed worker is taken again after this (300 s by default).
        TISSER_NEWSLETTER_CLAIM_SECONDS=str(CLAIM_SECONDS),
        # Short sending tasks hand over often, so the campaign moves between the workers.
        TISSER_NEWSLETTER_TASK_SECONDS="10",
        TISSER_ADDRESS_API_URL="",
        TISSER_GEO_API_URL="",
    )
    return env


def prepare_data() -> dict:
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from newsletter import load_subscribers  # the newsletter benchmark's bulk loader

    from tisser.events.models import Event, EventKind, Session

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    kind = EventKind.objects.create(name="Rencontre", slug="rencontre")
    event = Event.objects.create(title="Rencontre (répétition)", slug=SLUG, kind=kind)
    day = timezone.localdate() + dt.timedelta(days=30)
    Session.objects.create(
        event=event,
        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
        ends_at=timezone.make_aware(dt.datetime.combine(day, dt.time(17))),
        capacity=PLACES,
    )
    started = time.perf_counter()
    mailing_list = load_subscribers(RECIPIENTS)
    log(f"{RECIPIENTS} subscribers created in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"event_id": event.pk, "mailing_list_id": mailing_list.pk}


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


# --- the sink --------------------------------------------------------------------------------


def sink_status(sink_dir: Path) -> dict:
    for _ in range(20):
        try:
            return json.loads((sink_dir / "status.json").read_text())
        except (OSError, ValueError):
            time.sleep(0.1)
    raise RuntimeError("the SMTP sink writes no status")


def received(sink_dir: Path, prefix: str) -> tuple[Counter, Counter]:
    """Per address and per sending host, the messages the sink accepted for `prefix*`."""
    by_address, by_peer = Counter(), Counter()
    with open(sink_dir / "recipients.log", encoding="utf-8") as lines:
        for line in lines:
            peer, address = line.split()
            if address.startswith(prefix):
                by_address[address] += 1
                by_peer[peer] += 1
    return by_address, by_peer


def wait_for_emails(sink_dir: Path, prefix: str, expected: int, timeout: float) -> Counter:
    deadline, last, still = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        got, _ = received(sink_dir, prefix)
        total = sum(got.values())
        if len(got) >= expected:
            return got
        if total != last:
            last, still = total, time.monotonic()
        elif time.monotonic() - still > 30:  # nothing more for 30 s
            break
        time.sleep(1)
    return received(sink_dir, prefix)[0]


# --- the campaign ------------------------------------------------------------------------------


def compose(mailing_list_id: int):
    from tisser.publications import services
    from tisser.publications.models import MailingList

    newsletter = services.create_newsletter(
        mailing_list=MailingList.objects.get(pk=mailing_list_id),
        title="Infolettre de la répétition",
        subject="Ce mois de juin sera solidaire !",
        intro="Bienvenue dans l'Infolettre mensuelle.",
    )
    for n in range(3):
        services.add_block(
            newsletter,
            {
                "kind": "text",
                "title": f"Rubrique {n + 1}",
                "body": '<p>Bonjour {{ contact.FIRSTNAME | default:"à vous" }},</p>'
                + "<p>Rencontre des Solidaires, Matinales, Fresque : le mois en bref.</p>" * 4,
                "cta_label": "En savoir plus",
                "cta_url": "https://www.apes-hdf.org/",
            },
        )
    return newsletter


def campaign(hosts: Hosts, sink_dir: Path, mailing_list_id: int) -> dict:
    """Start the campaign as staff do; kill the worker host that is sending once a third
    has gone, bring it back, wait for the end."""
    from django.utils import timezone

    from tisser.publications import services
    from tisser.publications.models import Campaign, Delivery

    worker_of = {ADDRESSES[h]: h for h in ("worker1", "worker2")}
    newsletter = compose(mailing_list_id)
    base = sink_status(sink_dir)["messages"]
    item = services.create_campaign(newsletter)
    started = time.perf_counter()
    services.start_campaign(item)
    failure: dict = {}
    deadline = time.monotonic() + float(os.environ.get("TISSER_CLUSTER_CAMPAIGN_TIMEOUT", "3600"))
    while time.monotonic() < deadline:
        status = sink_status(sink_dir)
        live = {p: n for p, n in status["live"].items() if p in worker_of and n > 0}
        if status["messages"] - base >= RECIPIENTS // 3 and live:
            peer = max(live, key=live.get)
            host = worker_of[peer]
            failure.update(host=host, live_connections=live[peer], kill_wall=time.time())
            failure["processes"] = hosts.kill_host(host)
            claimed = list(
                Delivery.objects.filter(campaign=item, status="claimed").values_list(
                    "id", flat=True
                )
            )
            failure["claimed_at_kill"] = len(claimed)
            log(f"{host} killed while sending ({failure['processes']} processes, "
                f"{live[peer]} SMTP connections, {len(claimed)} deliveries claimed)")  # fmt: skip
            time.sleep(DOWN_S)
            hosts.start_worker(host, beat=host == "worker2")
            log(f"{host} restarted")
            break
        time.sleep(0.1)
    else:
        raise RuntimeError("the campaign did not reach a third of its recipients in time")
    while time.monotonic() < deadline:
        item.refresh_from_db()
        if item.status not in (Campaign.Status.QUEUED, Campaign.Status.SENDING):
            break
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    # Let the sink write the last lines, then read who got what.
    time.sleep(1)
    last_sent = (
        Delivery.objects.filter(id__in=claimed)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    recovery = (last_sent.timestamp() - failure["kill_wall"]) if last_sent else 0.0
    by_address, by_peer = received(sink_dir, "abonne")
    status = sink_status(sink_dir)
    killed_peer = ADDRESSES[failure["host"]]
    killed_connections = sum(
        1
        for peer, at in status["aborted_at"]
        if peer == killed_peer and at >= failure["kill_wall"] - 1
    )
    expected = {f"abonne{n}@exemple.fr" for n in range(RECIPIENTS)}
    states = Counter(Delivery.objects.filter(campaign=item).values_list("status", flat=True))
    return {
        "status": item.status,
        "elapsed_s": elapsed,
        "missing_recipients": len(expected - set(by_address)),
        "duplicate_recipients": sum(n - 1 for n in by_address.values() if n > 1),
        "killed_connections": killed_connections,
        "recovery_s": max(0.0, recovery),
        "by_host": {worker_of.get(p, p): n for p, n in by_peer.items()},
        "deliveries": dict(states),
        "failure": {k: v for k, v in failure.items() if k != "kill_wall"},
        "finished": timezone.now().isoformat(),
    }


# --- the whole rehearsal -------------------------------------------------------------------------


def main(run_id: str, workdir: Path) -> int:
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    topology = Topology(run_id=run_id)
    hosts = Hosts(topology, workdir, dict(os.environ))
    try:
        return rehearse(hosts, workdir)
    finally:
        hosts.stop_all()


def rehearse(hosts: Hosts, workdir: Path) -> int:
    started = time.perf_counter()
    database = hosts.start_postgres()
    import psycopg

    with psycopg.connect(f"{database}/postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE tisser")
    redis_url = hosts.start_redis()
    sink_dir = hosts.start_sink()
    log("db host (PostgreSQL, Redis) and smtp host up")
    env = cluster_env(f"{database}/tisser", redis_url)
    hosts.env = env
    os.environ.update(env)
    os.environ["TISSER_DATA_DIR"] = str(hosts.data_dir("clients"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    ids = prepare_data()
    connections.close_all()
    for host in ("web1", "web2"):
        hosts.start_web(host, WEB_WORKERS)
    haproxy_socket = hosts.start_haproxy(WEB_WORKERS)
    hosts.start_worker("worker1")
    hosts.start_worker("worker2", beat=True)
    wait_until_up(haproxy_socket, ("web1", "web2"))
    log(
        f"two web hosts behind HAProxy, two worker hosts: ready in {time.perf_counter() - started:.0f} s"
    )

    rushed = rush(hosts, haproxy_socket)
    registrations = check_registrations(ids["event_id"], rushed["outcomes"])
    log(f"rush: {ATTEMPTS} attempts in {rushed['elapsed_s']:.1f} s, {registrations}")
    log(f"errors seen by clients: {rushed['error_kinds']}")
    emails = wait_for_emails(sink_dir, "rush", registrations["accepted"], timeout=300)
    accepted = {
        f"rush{n}@example.org"
        for n, (o, _t) in enumerate(rushed["outcomes"])
        if o.startswith("acc")
    }

    sent = campaign(hosts, sink_dir, ids["mailing_list_id"])
    log(f"campaign: {sent}")
    return report(rushed, registrations, emails, accepted, sent, time.perf_counter() - started)


def report(rushed, registrations, emails, accepted, sent, total_s) -> int:
    recovery = max(rushed["recovery_s"], sent["recovery_s"])
    metrics = {
        "overbooked": registrations["overbooked"],
        "lost_registrations": registrations["lost_registrations"],
        "missing_recipients": sent["missing_recipients"],
        "duplicate_recipients": sent["duplicate_recipients"],
        "killed_connections": sent["killed_connections"],
        "recovery_s": round(recovery, 1),
        "web_recovery_s": round(rushed["recovery_s"], 1),
        "worker_recovery_s": round(sent["recovery_s"], 1),
        "attempts_accepted": registrations["accepted"],
        "confirmed": registrations["confirmed"],
        "waitlisted": registrations["waitlisted"],
        "failed_attempts": registrations["failed_attempts"],
        "unanswered_registrations": registrations["unanswered_registrations"],
        "duplicate_registrations": registrations["duplicate_registrations"],
        "client_errors": len(rushed["errors"]),
        "web_rejoined_s": round(rushed["rejoined_s"], 1),
        "rush_p50_ms": round(rushed["p50_ms"], 1),
        "rush_p99_ms": round(rushed["p99_ms"], 1),
        "rush_web_cpu_ms_per_attempt": round(rushed["web_cpu_ms"], 1),
        "rush_db_cpu_ms_per_attempt": round(rushed["db_cpu_ms"], 1),
        "rush_attempts_per_s": round(ATTEMPTS / rushed["elapsed_s"], 1),
        "registration_emails_missing": len(accepted - set(emails)),
        "registration_emails_duplicated": sum(n - 1 for n in emails.values() if n > 1),
        "campaign_messages_per_s": round(RECIPIENTS / sent["elapsed_s"], 1),
        "campaign_s": round(sent["elapsed_s"], 1),
        "total_s": round(total_s, 1),
    }
    params = {
        "attempts": ATTEMPTS,
        "places": PLACES,
        "recipients": RECIPIENTS,
        "clients": CLIENTS,
        "web_hosts": 2,
        "gunicorn_workers_per_host": WEB_WORKERS,
        "worker_hosts": 2,
        "smtp_connections_per_worker": 4,
        "claim_seconds": CLAIM_SECONDS,
        "down_s": DOWN_S,
        "small": SMALL,
        "load_balancer": "HAProxy (roundrobin, /health/ checked every second)",
        "broker": "Redis",
    }
    notes = {
        "client_error_kinds": rushed["error_kinds"],
        # A confirmation email is queued after the commit: a web host killed between the
        # two leaves a registration without its email (the person, answered with an
        # error, sends again and is told "already registered").
        "registration_emails_missing": sorted(accepted - set(emails))[:20],
        "of_which_after_an_error": len(
            (accepted - set(emails))
            & {f"rush{n}@example.org" for n, (_o, t) in enumerate(rushed["outcomes"]) if t > 1}
        ),
        "web_failure": rushed["failure"],
        "worker_failure": sent["failure"],
        "campaign_messages_by_host": sent["by_host"],
        "campaign_deliveries": sent["deliveries"],
        "campaign_status": sent["status"],
        "definitions": "web_recovery_s: from the SIGKILL of web1 to the last error a client "
        "saw; worker_recovery_s: from the SIGKILL of the sending worker host to the moment "
        "the last delivery it had claimed was sent (bounded by the claim lifetime, "
        "claim_seconds); recovery_s: the larger. killed_connections: SMTP connections of the "
        "killed worker that ended without QUIT, as the sink saw them.",
        "machine": "every host shares the same 2 cores; the hosts are network namespaces",
        "load_average_at_end": load_average(),
        "cpu_note": "CPU per attempt: every process of the web hosts (gunicorn workers and "
        "masters, the health checks, web1's restart) and of PostgreSQL during the rush, "
        "divided by the attempts; read from /proc, so it holds however busy the machine is.",
    }
    path = write_result("cluster", "postgresql", params, metrics, notes)
    for key, value in metrics.items():
        print(f"  {key:<32} {value}")
    print(f"  -> {path}")
    checks = {
        "0 overbooked": metrics["overbooked"] == 0,
        "0 lost registrations": metrics["lost_registrations"] == 0,
        "accepted = confirmed + waitlisted": registrations["accepted"]
        == registrations["confirmed"] + registrations["waitlisted"],
        "every recipient received the issue": metrics["missing_recipients"] == 0,
        "at most one duplicate per killed connection": metrics["duplicate_recipients"]
        <= metrics["killed_connections"],
        "campaign finished": sent["status"] == "sent",
    }
    for name, ok in checks.items():
        print(f"  {'ok ' if ok else 'FAILED'} {name}")
    return 0 if all(checks.values()) else 1
