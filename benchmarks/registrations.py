"""Benchmark of registrations against PostgreSQL, served as in production.

In a fresh PostgreSQL database `bench_events`: migrate, load the territories, the demo
network and the seeds' agenda, then an event of 150 places. The app runs under gunicorn
(several sync workers, persistent database connections, DEBUG off) on loopback. Then:

- rush: `TISSER_BENCH_ATTEMPTS` different people post the real registration form at once
  from `TISSER_BENCH_CLIENTS` concurrent clients (each first fetched the form for its
  CSRF cookie, as a browser does). Every attempt is a full registration: form, person and
  organisation found or created in the contacts base, answer saved, email queued after
  commit. Throughput (attempts/s), latency p50/p99, and `overbooked` (confirmed beyond
  the 150 places, or a counter that disagrees with the rows: must be 0).
- the floor: the same pre-built requests to a minimal Django view doing only the
  conditional UPDATE of a counter and one INSERT (`benchmarks/minimal/`, served by the same
  gunicorn with the same settings and middleware), taking turns with the rush in
  `TISSER_BENCH_ROUNDS` (3) rounds of new people, so that the machine's other work weighs
  on both alike: `ratio_to_minimal_view` is
  the rush's registrations/s over its requests/s, `cpu_ratio_to_minimal_view` the same
  with the CPU each costs (web workers + PostgreSQL).
- statements: two more registrations of the same kind through the same view in this
  process, their SQL captured (BEGIN and COMMIT not counted): the rush's steady state,
  the event read from the shared cache (`rush_sql_statements_per_registration`,
  `rush_savepoints_per_registration`), and the first post after a change to the event
  (`rush_sql_statements_after_event_change`).
- instructions: each view posted in-process under callgrind
  (`registrations_instructions.py`, skipped without valgrind): millions of instructions
  per request, and their ratio, which the host's load does not change.
- agenda: 50 concurrent clients load `/agenda/` for `TISSER_BENCH_AGENDA_SECONDS` (10) with
  wrk (`apt-get install wrk`); without wrk, `TISSER_BENCH_AGENDA_REQUESTS` (1000) from
  Python threads, said on the output and in `params.agenda_client`. p95 latency.

The clients share the cores with gunicorn and PostgreSQL, so they are kept cheap (the rush
sends requests built before the clock starts) and their own CPU is reported
(`*_client_cpu_ms_*`), next to the web workers' and PostgreSQL's CPU per request.

Writes benchmarks/results/registrations-postgresql.json. SQLite is not measured: the
issue asks for PostgreSQL, and SQLite serialises writers (tested for correctness only).

    make bench NAME=registrations     # or: .venv/bin/python benchmarks/registrations.py
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    ROOT,
    load_average,
    percentile,
    postgres_reachable,
    write_result,
)
from registrations_instructions import INSTRUCTION_POSTS  # noqa: E402
from registrations_instructions import count as count_instructions  # noqa: E402
from registrations_rush import (  # noqa: E402
    AGENDA_CLIENTS,
    AGENDA_REQUESTS,
    AGENDA_SECONDS,
    ATTEMPTS,
    CLIENTS,
    agenda,
    csrf_session,
    rush,
)
from registrations_serve import (  # noqa: E402
    SLUG,
    WORKERS,
    EventsBenchDatabase,
    cpu_of,
    database_pids,
    free_port,
    request,
    start_server,
    worker_pids,
)

PLACES = 150
WARM_SLUG = "rush-warmup"
WARM_POSTS = 16 * WORKERS  # per view, from CLIENTS threads: every worker gets several


def at(days: int, hour: int):
    import datetime as dt

    from django.utils import timezone

    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def prepare() -> dict:
    from django.core.management import call_command
    from django.db import connection

    from tisser.directory.demo import build_demo_network
    from tisser.events.demo import load_demo_events
    from tisser.events.models import Event, EventKind, Question, Session
    from tisser.territories.services import HAUTS_DE_FRANCE, load_reference_data

    call_command("migrate", verbosity=0)
    load_reference_data(departements=HAUTS_DE_FRANCE)
    build_demo_network(size=300, seed=1)
    load_demo_events()
    kind = EventKind.objects.get(slug="rencontre")
    event = Event.objects.create(title="Rencontre (rush)", slug=SLUG, kind=kind)
    Session.objects.create(event=event, starts_at=at(30, 9), ends_at=at(30, 17), capacity=PLACES)
    question = Question.objects.create(
        event=event, text="Régime alimentaire", kind="choice", choices="Aucun\nVégétarien"
    )
    # The same kind of event, for the posts that warm every web worker up before the clock.
    warm = Event.objects.create(title="Rencontre (échauffement)", slug=WARM_SLUG, kind=kind)
    Session.objects.create(event=warm, starts_at=at(31, 9), ends_at=at(31, 17), capacity=10_000)
    warm_question = Question.objects.create(
        event=warm, text="Régime alimentaire", kind="choice", choices="Aucun\nVégétarien"
    )
    from minimal.views import TABLES

    with connection.cursor() as cursor:
        for statement in TABLES.split(";"):
            if statement.strip():
                cursor.execute(statement)
        cursor.execute(
            "INSERT INTO bench_minimal_counter (id, capacity, taken) VALUES (1, %s, 0)", [PLACES]
        )
        cursor.execute("ANALYZE")
    return {
        "event_id": event.pk,
        "question_id": question.pk,
        "warm_question_id": warm_question.pk,
    }


def statements_per_registration(question_id: int) -> dict:
    """Two more registrations to the rush event, through Django's test client in this
    process (the same view and service), their SQL captured: statements (BEGIN and COMMIT
    apart) and savepoints. The first follows a change to the event (its cached copy
    dropped: the event is read), the second is the rush's steady state (the event from
    the shared cache). The email task is queued, not run, as in production."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tisser.events.queries import registration_data_changed

    client = Client(SERVER_NAME="127.0.0.1")

    def count(email: str) -> dict:
        data = {
            "first_name": "Compte",
            "last_name": "Rush",
            "email": email,
            "organisation": "Structure 1",
            f"question_{question_id}": "Aucun",
        }
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(f"/agenda/{SLUG}/inscription/", data)
        assert response.status_code == 302, response.status_code
        sql = [q["sql"] for q in ctx.captured_queries]
        control = [s for s in sql if s in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]
        return {
            "statements": len(sql) - len(control),
            "transaction_control": len(control),
            "savepoints": sum(1 for s in sql if "SAVEPOINT" in s),
        }

    registration_data_changed()
    cold = count("count-after-change@example.org")
    warm = count("count@example.org")
    return {**warm, "after_change": cold["statements"]}


def check(event_id) -> dict:
    from django.db.models import Count

    from tisser.directory.models import Person
    from tisser.events.models import Registration, Session

    session = Session.objects.get(event_id=event_id)
    live = Registration.objects.filter(event_id=event_id).exclude(status="cancelled")
    confirmed = live.filter(status="confirmed").count()
    duplicates = (
        live.values("person").annotate(n=Count("id")).filter(n__gt=1).count()
        + Person.objects.values("email").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    return {
        "confirmed": confirmed,
        "waitlisted": live.filter(status="waitlisted").count(),
        "taken": session.taken,
        "overbooked": max(0, confirmed - PLACES) + abs(session.taken - confirmed),
        "duplicates": duplicates,
    }


ROUNDS = int(os.environ.get("TISSER_BENCH_ROUNDS", "3"))


def rounds() -> list[range]:
    """ATTEMPTS people in ROUNDS slices."""
    size = -(-ATTEMPTS // ROUNDS)
    return [range(start, min(start + size, ATTEMPTS)) for start in range(0, ATTEMPTS, size)]


def new_total() -> dict:
    return {"elapsed_s": 0.0, "latencies": [], "statuses": {}, "client_cpu_s": 0.0}


def add_run(total: dict, run: dict) -> None:
    total["elapsed_s"] += run["elapsed_s"]
    total["latencies"] += run["latencies"]
    total["client_cpu_s"] += run["client_cpu_s"]
    for status, count in run["statuses"].items():
        total["statuses"][status] = total["statuses"].get(status, 0) + count


def summarise(total: dict) -> None:
    """Throughput, latencies and client CPU over the rounds of one kind."""
    latencies = total["latencies"]
    total["per_s"] = len(latencies) / total["elapsed_s"]
    total["p50"] = statistics.median(latencies)
    total["p99"] = percentile(latencies, 0.99)
    total["client_cpu_ms"] = 1000 * total["client_cpu_s"] / len(latencies)


def reset_minimal() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_minimal_registration")
        cursor.execute("UPDATE bench_minimal_counter SET taken = 0")
    connection.close()


def minimal_outcome() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE status = 'confirmed'), count(*) "
            "FROM bench_minimal_registration"
        )
        confirmed, total = cursor.fetchone()
    return {"confirmed": confirmed, "total": total}


def main() -> int:
    if not postgres_reachable():
        print("PostgreSQL is not reachable on 127.0.0.1:5432: nothing measured.")
        return 0
    load_before = load_average()
    with EventsBenchDatabase("postgresql") as _db:
        ids = prepare()
        from django.db import connections

        connections.close_all()
        port = free_port()
        env = dict(os.environ, TISSER_DEBUG="0", TISSER_LOG_LEVEL="WARNING")
        env["TISSER_SITE_URL"] = f"http://127.0.0.1:{port}"
        env["TISSER_TASKS_EAGER"] = "0"  # the worker is woken on the broker, as in production
        env["DJANGO_SETTINGS_MODULE"] = "benchmarks.minimal.settings"  # Tisser + minimal view
        server = start_server(port, env)
        try:
            # Every worker opens its persistent database connection before the rush.
            for _ in range(WORKERS * 4):
                request(port, "GET", f"/agenda/{SLUG}/inscription/")
            # The clients' CSRF cookies (one form page each) are fetched before the clock.
            sessions = [csrf_session(port) for _ in range(CLIENTS)]
            workers = worker_pids(server.pid)
            # A long-running worker has imported, compiled and prepared what a registration
            # needs; a fresh one pays it once on its first posts. Both views are warmed up
            # (the minimal view's rows are then removed), so that the clock sees the steady
            # state.
            warm_people = range(900_000, 900_000 + WARM_POSTS)
            rush(
                port,
                ids["warm_question_id"],
                f"/agenda/{WARM_SLUG}/inscription/",
                sessions,
                warm_people,
            )
            rush(port, ids["question_id"], "/bench/minimal/", sessions, warm_people)
            reset_minimal()
            # The rush and the floor take turns, ROUNDS times (each round new people):
            # whatever else the machine does weighs on both alike.
            rushed, floor = new_total(), new_total()
            cpu = {"web": 0.0, "db": 0.0, "minimal_web": 0.0, "minimal_db": 0.0}
            for people in rounds():
                for name, path, total in (
                    ("", f"/agenda/{SLUG}/inscription/", rushed),
                    ("minimal_", "/bench/minimal/", floor),
                ):
                    web_before = cpu_of(workers)
                    db_before = cpu_of(database_pids())
                    run = rush(port, ids["question_id"], path, sessions, people)
                    web_after = cpu_of(workers)
                    db_after = cpu_of(list(db_before) + database_pids())
                    cpu[name + "web"] += sum(web_after[p] - web_before[p] for p in web_after)
                    cpu[name + "db"] += sum(
                        max(0.0, db_after[p] - db_before.get(p, 0)) for p in db_after
                    )
                    add_run(total, run)
            agenda_before = cpu_of(workers)
            listed = agenda(port)
            agenda_after = cpu_of(workers)
        finally:
            server.terminate()
            server.wait(timeout=30)
        outcome = check(ids["event_id"])
        counted = statements_per_registration(ids["question_id"])
        instructions = count_instructions(ids["question_id"], 700_000)
        minimal_rows = minimal_outcome()
        connections.close_all()
    web_ms, db_ms = 1000 * cpu["web"] / ATTEMPTS, 1000 * cpu["db"] / ATTEMPTS
    minimal_web_ms = 1000 * cpu["minimal_web"] / ATTEMPTS
    minimal_db_ms = 1000 * cpu["minimal_db"] / ATTEMPTS
    summarise(rushed)
    summarise(floor)
    agenda_web_ms = (
        1000
        * sum(agenda_after[p] - agenda_before.get(p, 0) for p in agenda_after)
        / max(1, listed["requests"])
    )
    metrics = {
        "rush_registrations_per_s": round(rushed["per_s"], 1),
        "rush_web_cpu_ms_per_registration": round(web_ms, 2),
        "rush_db_cpu_ms_per_registration": round(db_ms, 2),
        "rush_p50_ms": round(rushed["p50"], 1),
        "rush_p99_ms": round(rushed["p99"], 1),
        "overbooked": outcome["overbooked"],
        "agenda_p95_ms": round(listed["p95"], 1),
        "agenda_p50_ms": round(listed["p50"], 1),
        "agenda_requests_per_s": round(listed["per_s"], 1),
        "agenda_web_cpu_ms_per_request": round(agenda_web_ms, 2),
        "rush_sql_statements_per_registration": counted["statements"],
        "rush_savepoints_per_registration": counted["savepoints"],
        "rush_sql_statements_after_event_change": counted["after_change"],
        "minimal_view_registrations_per_s": round(floor["per_s"], 1),
        "minimal_view_web_cpu_ms_per_registration": round(minimal_web_ms, 2),
        "minimal_view_db_cpu_ms_per_registration": round(minimal_db_ms, 2),
        "ratio_to_minimal_view": round(rushed["per_s"] / floor["per_s"], 3),
        "cpu_ratio_to_minimal_view": round((minimal_web_ms + minimal_db_ms) / (web_ms + db_ms), 3)
        if web_ms + db_ms
        else None,
        # The web CPU in minimal views: how fast the machine runs that day weighs on both.
        "web_cpu_in_minimal_views": round(web_ms / minimal_web_ms, 2) if minimal_web_ms else None,
        # Instructions (callgrind, in-process): what the host's load does not change.
        "web_instructions_per_registration_millions": round(instructions["reg"], 2)
        if instructions
        else None,
        "minimal_view_web_instructions_millions": round(instructions["min"], 2)
        if instructions
        else None,
        "web_instructions_in_minimal_views": round(instructions["reg"] / instructions["min"], 2)
        if instructions
        else None,
        "rush_client_cpu_ms_per_registration": round(rushed["client_cpu_ms"], 2),
        "agenda_client_cpu_ms_per_request": round(listed["client_cpu_ms"], 3),
    }
    params = {
        "attempts": ATTEMPTS,
        "places": PLACES,
        "rush_clients": CLIENTS,
        "agenda_clients": AGENDA_CLIENTS,
        "agenda_client": listed["client"],
        "agenda_load": f"{AGENDA_SECONDS} s"
        if listed["client"] == "wrk"
        else f"{AGENDA_REQUESTS} requests",
        "gunicorn_workers": WORKERS,
        "rounds": ROUNDS,
    }
    notes = {
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "statuses": {str(k): v for k, v in rushed["statuses"].items()},
        "minimal_view_statuses": {str(k): v for k, v in floor["statuses"].items()},
        "minimal_view_confirmed": minimal_rows["confirmed"],
        "minimal_view": "benchmarks/minimal/views.py: one conditional UPDATE of a counter and "
        "one INSERT in a transaction, behind the same gunicorn, settings and middleware, sent "
        "the same pre-built requests, in turns with the rush (rounds); ratio_to_minimal_view = rush "
        "registrations/s ÷ minimal view requests/s; cpu_ratio_to_minimal_view = minimal "
        "(web + db) CPU ÷ rush (web + db) CPU per request",
        "statements": "rush_sql_statements_per_registration: one more registration of the "
        "same kind through the same view, its SQL captured (BEGIN and COMMIT not counted: "
        f"{counted['transaction_control']} more), the event read from the shared cache as "
        "during the rush; rush_sql_statements_after_event_change: the same right after a "
        "change to the event dropped its cached copy (the event and its questions read)",
        "confirmed": outcome["confirmed"],
        "waitlisted": outcome["waitlisted"],
        "duplicates": outcome["duplicates"],
        "agenda_errors": listed["errors"],
        "machine": "2 cores shared with other work; client, server and PostgreSQL on one host",
        "cpu_bound_estimate_per_s": round(2000 / (web_ms + db_ms), 1) if web_ms + db_ms else None,
        "cpu_note": "CPU time of the gunicorn workers and of the PostgreSQL backends per "
        "attempt, read from /proc: independent of how busy the machine is; "
        "cpu_bound_estimate_per_s = 2 cores / (web + db CPU per attempt), client excluded. "
        "The clients' own CPU (rush: this process's threads sending pre-built requests; "
        "agenda: wrk) is reported apart: it shares the same cores. On a virtual machine "
        "CPU time itself varies with what the host runs (the minimal view took 0.98 to 2.05 "
        "ms on the same code): web_cpu_in_minimal_views = registration web CPU / minimal view "
        "web CPU, measured in the same rounds, does not.",
        "instructions": f"counted by callgrind: {INSTRUCTION_POSTS} posts of each view "
        "in-process through Tisser's WSGI application after 10 of warm-up (no gunicorn, no "
        "socket; the worker's once-a-second wake-up left out); the same whatever else the "
        "machine runs"
        if instructions
        else "not counted: valgrind is not installed",
    }
    path = write_result("registrations", "postgresql", params, metrics, notes)
    for key, value in metrics.items():
        print(f"{key:>28}: {value}")
    print(f"notes: {notes}")
    print(f"written: {path.relative_to(ROOT)}")
    ok = (
        minimal_rows["confirmed"] == PLACES
        and set(floor["statuses"]) == {302}
        and outcome["overbooked"] == 0
        and outcome["duplicates"] == 0
        and outcome["confirmed"] == PLACES
        and set(rushed["statuses"]) == {302}
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
