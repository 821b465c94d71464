"""Benchmark of segments: how long a segment's count takes, over a set of realistic
segments, on the database already set up (`measure_segment_counts()`, which the contacts
benchmark calls on its full-size dataset) or on a dataset of its own.

Run on its own (PostgreSQL, database `bench_segments`): migrate, COPY a contacts base of
`TISSER_BENCH_SIZE` × (200,000 organisations, 500,000 people, 2,000,000 engagement
entries: registrations, check-ins, memberships, subscriptions), VACUUM ANALYZE
(autovacuum is off here), then count each segment `TISSER_BENCH_ITERATIONS` times. The
segments are the staff's questions: "came to an event last year and is not a member this
year", "representatives of member organisations in the Somme", "registered for the
Fresque but not checked in", and a few more combinations (AND, OR, NOT).

Two references run in the same process: `SELECT count(*)` of every contact (the same
table, no condition), and the scan floor — counting every row of the six tables the
conditions read, without joining them, which any plan must read at least once; the
ratios say what the conditions cost on top.
`TISSER_BENCH_EXISTING_URL` (a `postgres://…` address) measures a database already
filled instead (the contacts benchmark's, or one built earlier): nothing is built nor
dropped. Writes benchmarks/results/segments-postgresql.json.

    make bench NAME=segments                      # size 0.1 by default
    TISSER_BENCH_SIZE=1 make bench NAME=segments  # the full size
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CHILD_ENV,
    BenchDatabase,
    copy_rows,
    ids,
    postgres_reachable,
    time_calls,
    write_result,
)

SIZE = float(os.environ.get("TISSER_BENCH_SIZE", "0.1"))
ITERATIONS = int(os.environ.get("TISSER_BENCH_ITERATIONS", "20"))
SEED = 1
BenchDatabase.PG_NAME = "bench_segments"  # never another checkout's database


# --- what is measured (on any database already set up) ---------------------------------


def realistic_segments() -> dict[str, dict]:
    """The segments staff ask for, built from what the current database holds: the most
    recent years with sessions, the event with the most registrations, a département
    with organisations, a list with subscribers."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from tisser.directory.models import Organisation
    from tisser.events.models import Event, EventKind, Session
    from tisser.memberships.models import MembershipYear
    from tisser.publications.models import MailingList

    years = sorted(
        Session.objects.annotate(y=ExtractYear("starts_at")).values_list("y", flat=True).distinct()
    )
    this_year = years[-1] if years else 2026
    last_year = years[-2] if len(years) > 1 else this_year - 1
    member_years = list(MembershipYear.objects.values_list("year", flat=True))
    member_year = this_year if this_year in member_years else max(member_years or [this_year])
    event = (
        Event.objects.annotate(n=Count("registrations")).order_by("-n").values("pk").first()
    ) or {"pk": None}
    kind = EventKind.objects.values_list("pk", flat=True).first()
    departement = (
        Organisation.objects.exclude(commune=None)
        .values("commune__departement_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("commune__departement_id", flat=True)
        .first()
    )
    mailing_list = MailingList.objects.values_list("pk", flat=True).first()

    def c(key, **params):
        return {"condition": key, "params": {k: v for k, v in params.items() if v is not None}}

    found = {
        "came_last_year_not_member_this_year": {
            "and": [c("attended", year=last_year), {"not": c("member", year=member_year)}]
        },
        "representatives_of_members_in_a_departement": c(
            "affiliated", role="representative", member_org="yes", departement=departement
        ),
        "registered_not_checked_in": {
            "and": [
                c("registered", event=event["pk"]),
                {"not": c("attended", event=event["pk"])},
            ]
        },
        "member_representatives_this_year": c("member", year=member_year, role="representative"),
        "came_this_year_or_waitlisted": {
            "or": [
                c("attended", year=this_year, kind=kind),
                c("registered", status="waitlisted"),
            ]
        },
        "subscribed_never_came": {
            "and": [c("subscribed", list=mailing_list), {"not": c("attended")}]
        },
        "members_with_email_in_a_departement_who_came": {
            "and": [
                c("member", year=member_year),
                c("affiliated", departement=departement),
                c("attended", year=last_year),
                c("has_email"),
            ]
        },
    }
    return found


def measure_segment_counts(iterations: int | None = None) -> dict:
    """Count each realistic segment `iterations` times on the current database; return
    `segment_count_p95_ms` (over every count) and the details."""
    from django.db import connection

    from tisser.directory import segments
    from tisser.directory.contacts import queries_segments

    iterations = iterations or ITERATIONS
    trees = {name: segments.parse(tree) for name, tree in realistic_segments().items()}
    per_segment, calls, sizes = {}, [], {}
    for name, tree in trees.items():
        sizes[name] = queries_segments.count(tree)

        def call(tree=tree):
            queries_segments.count(tree)

        per_segment[name] = time_calls([call] * iterations, warmup=2)
        calls += [call] * iterations
    overall = time_calls(calls, warmup=0)

    def plain_count():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM directory_person")
            cursor.fetchone()

    def scan_floor():
        # Reading every row of the tables the conditions join (no join, no hash): what
        # any plan of these questions has to read at least once.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM directory_person),"
                " (SELECT count(*) FROM directory_affiliation),"
                " (SELECT count(*) FROM events_registration),"
                " (SELECT count(*) FROM events_attendance),"
                " (SELECT count(*) FROM memberships_membership),"
                " (SELECT count(*) FROM publications_subscription)"
            )
            cursor.fetchone()

    reference = time_calls([plain_count] * iterations, warmup=2)
    floor = time_calls([scan_floor] * iterations, warmup=2)
    database_cpu = database_cpu_ms(trees, iterations)
    return {
        **database_cpu,
        "segment_count_p95_ms": overall["p95_ms"],
        "segment_count_p50_ms": overall["p50_ms"],
        "segment_count_cpu_p95_ms": overall["cpu_p95_ms"],
        "segment_count_reference_p95_ms": reference["p95_ms"],
        "segment_count_to_plain_count_ratio": round(
            overall["p50_ms"] / max(reference["p50_ms"], 0.01), 2
        ),
        "scan_floor_p50_ms": floor["p50_ms"],
        "slowest_segment_to_scan_floor_ratio": round(
            max(t["p50_ms"] for t in per_segment.values()) / max(floor["p50_ms"], 0.01), 2
        ),
        "segments": {
            name: {"matching": sizes[name], **timing} for name, timing in per_segment.items()
        },
    }


def database_cpu_ms(trees: dict, iterations: int) -> dict:
    """The database server's own CPU time per count, read from /proc for the backend
    process (PostgreSQL on this host), with parallel workers off so that one process does
    all the work: what a count costs whatever else the machine is doing. Empty when the
    server's process cannot be read (another host)."""
    from django.db import connection

    from tisser.directory.contacts import queries_segments

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat")
    tick = 1000 / os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * tick  # utime + stime

    try:
        cpu()
    except OSError:
        return {}
    figures, every = {}, []
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    try:
        for name, tree in trees.items():
            queries_segments.count(tree)  # warm
            spent = []
            for _ in range(iterations):
                before = cpu()
                queries_segments.count(tree)
                spent.append(cpu() - before)
            figures[name] = round(sorted(spent)[len(spent) // 2], 1)
            every += spent
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")
    from common import percentile

    return {
        "segment_count_db_cpu_p95_ms": round(percentile(every, 0.95), 1),
        "segment_count_db_cpu_p50_ms": round(sorted(every)[len(every) // 2], 1),
        "segment_db_cpu_p50_ms": figures,
    }


# --- a dataset of its own ---------------------------------------------------------------


def build(rng: random.Random) -> dict:
    """Organisations spread over the communes of five départements (a third members), one
    verified link per person (5 % representatives, 2 % claims), and the engagement
    entries: registrations (35 %), check-ins (15 %), subscriptions (10 %), memberships."""
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from tisser.directory.models import Affiliation, Organisation, Person
    from tisser.events.models import Attendance, Event, EventKind, Registration, Session
    from tisser.memberships.models import Membership, MembershipYear
    from tisser.publications.models import MailingList, Subscription
    from tisser.territories.models import Commune

    organisations = int(200_000 * SIZE)
    people = int(500_000 * SIZE)
    entries = int(2_000_000 * SIZE)
    call_command("load_territories", verbosity=0)
    communes = list(Commune.objects.values_list("code", flat=True)) or [None]
    now = timezone.now()
    copy_rows(
        Organisation,
        ["name", "slug", "commune_id", "is_member"],
        (
            (f"Structure {i}", f"structure-{i}", rng.choice(communes), i % 3 == 0)
            for i in range(organisations)
        ),
    )
    org_ids = ids(Organisation)
    member_orgs = org_ids[::3]
    copy_rows(
        Person,
        ["first_name", "last_name", "email"],
        ((f"P{i}", f"Nom{i % 5000}", f"p{i}@example.org" if i % 5 else "") for i in range(people)),
    )
    person_ids = ids(Person)

    def links():
        for pk in person_ids:
            roll = rng.random()
            if roll < 0.02:
                yield (pk, rng.choice(org_ids), "claimed", False)
            else:
                yield (pk, rng.choice(org_ids), "verified", roll < 0.07)

    copy_rows(Affiliation, ["person_id", "organisation_id", "status", "is_representative"], links())
    years = {y: MembershipYear.objects.create(year=y) for y in (2024, 2025, 2026)}
    copy_rows(
        Membership,
        ["organisation_id", "year_id", "status"],
        (
            (org, years[y].pk, "validated")
            for y in years
            for org in member_orgs
            if rng.random() < 0.8
        ),
    )
    kinds = [
        EventKind.objects.create(name=name, slug=name.lower())
        for name in ("Fresque", "Matinale", "Rencontre")
    ]
    n_registrations = int(entries * 0.35)
    sessions = []
    for index in range(max(10, n_registrations // 300)):
        kind = kinds[index % len(kinds)]
        event = Event.objects.create(title=f"{kind.name} {index}", slug=f"e-{index}", kind=kind)
        start = now - dt.timedelta(days=rng.uniform(0, 900))
        sessions.append(
            Session.objects.create(
                event=event, starts_at=start, ends_at=start + dt.timedelta(hours=3)
            )
        )

    def registrations():
        for i in range(n_registrations):
            person = person_ids[(i * 7919) % len(person_ids)]
            session = sessions[(i + i // len(person_ids)) % len(sessions)]
            status = "waitlisted" if rng.random() < 0.03 else "confirmed"
            yield (session.event_id, session.pk, person, status)

    copy_rows(Registration, ["event_id", "session_id", "person_id", "status"], registrations())
    held = list(
        Registration.objects.filter(status="confirmed")
        .order_by("?")
        .values_list("pk", "session_id", "person_id")[: int(entries * 0.15)]
    )
    copy_rows(
        Attendance,
        ["registration_id", "session_id", "person_id", "attended", "checked_at"],
        ((pk, session, person, True, now) for pk, session, person in held),
    )
    lists = [MailingList.objects.create(name=f"Liste {i}", slug=f"liste-{i}") for i in range(2)]
    copy_rows(
        Subscription,
        ["person_id", "mailing_list_id", "status", "origin"],
        (
            (person_ids[i % len(person_ids)], lists[i // len(person_ids)].pk, "active", "form")
            for i in range(min(int(entries * 0.10), 2 * len(person_ids)))
        ),
    )
    return {"organisations": organisations, "people": people, "engagement_entries": entries}


def table_sizes() -> dict:
    """What the database holds, for the results' `params`."""
    from django.db import connection

    tables = {
        "organisations": "directory_organisation",
        "people": "directory_person",
        "registrations": "events_registration",
        "attendances": "events_attendance",
        "memberships": "memberships_membership",
        "subscriptions": "publications_subscription",
        "affiliations": "directory_affiliation",
    }
    sizes = {}
    with connection.cursor() as cursor:
        for name, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            sizes[name] = cursor.fetchone()[0]
    return sizes


def report(database: str, params: dict) -> None:
    metrics = measure_segment_counts()
    for name, figures in metrics["segments"].items():
        print(f"   {name}: {figures['matching']} people, p95 {figures['p95_ms']} ms", flush=True)
    print(
        f"   segment count p95 {metrics['segment_count_p95_ms']} ms "
        f"(plain count of every contact: p95 {metrics['segment_count_reference_p95_ms']} ms; "
        f"reading the six tables: p50 {metrics['scan_floor_p50_ms']} ms)",
        flush=True,
    )
    if "segment_count_db_cpu_p95_ms" in metrics:
        print(
            f"   database CPU per count (one process): p95 "
            f"{metrics['segment_count_db_cpu_p95_ms']} ms, by segment "
            f"{metrics['segment_db_cpu_p50_ms']}",
            flush=True,
        )
    params = {**params, **table_sizes(), "iterations": ITERATIONS}
    print(f"   wrote {write_result('segments', database, params, metrics)}")


def measure_existing(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tisser.settings")
    os.environ.setdefault("TISSER_DEBUG", "0")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    report("postgresql", {"dataset": "existing"})


def measure(database: str) -> None:
    with BenchDatabase(database):
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        params = build(random.Random(SEED))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if database == "postgresql" else "ANALYZE")
        print(f"   built in {time.perf_counter() - started:.0f} s: {params}", flush=True)
        report(database, {"size": SIZE})


if __name__ == "__main__":
    database = os.environ.get(CHILD_ENV)
    existing = os.environ.get("TISSER_BENCH_EXISTING_URL")
    if existing:
        measure_existing(existing)
    elif database:
        measure(database)
    elif not postgres_reachable():
        print("PostgreSQL does not answer on 127.0.0.1:5432: nothing measured")
    else:
        env = dict(os.environ, **{CHILD_ENV: "postgresql"})
        import subprocess

        sys.exit(subprocess.call([sys.executable, __file__], env=env))
