"""The rehearsal's driver, run inside the "clients" namespace: servers up, data in, the
registration rush (`rush`) and the campaign (`mailing`), one web host and one worker host
killed in the middle and brought back, then the checks and the result file. Called by
`benchmarks/cluster.py`, never directly.
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
import time
from pathlib import Path

from common import load_average, write_result  # benchmarks/ is on the path

from .hosts import ROOT, SMTP_PORT, Hosts
from .mailing import campaign, wait_for_emails
from .netns import ADDRESSES, Topology
from .params import (
    ATTEMPTS,
    CLAIM_SECONDS,
    CLIENTS,
    DOWN_S,
    LB,
    PLACES,
    RECIPIENTS,
    SLUG,
    SMALL,
    WEB_WORKERS,
    log,
)
from .rush import check_registrations, rush, wait_until_up

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
