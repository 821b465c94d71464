"""Benchmark of the contacts base at a big network's size, on PostgreSQL: an organisation's
and a person's engagement timeline, and the duplicate people's detection.

In its own process and database (`bench_contacts`): migrate, then COPY 200,000
organisations, 500,000 people (a skewed spread of names, 2 % planted duplicates sharing a
phone or an organisation) with their links, and 2,000,000 engagement entries spread over
the apps' tables (registrations and attendance, memberships and payments, subscriptions,
deliveries, working groups, assembly voters), then VACUUM ANALYZE (autovacuum is off
here). Then time, server-side through Django's test client (wall and this process's CPU):

- `timeline_p95_ms`: the staff timeline pages of random people and organisations (the
  busiest organisations included);
- `people_dedup_s`: `queries_people.duplicate_pairs()` + grouping over every person;
- `segment_count_p95_ms`: the staff's segments counted (`segments.measure_segment_counts`),
  so the dataset also holds what they read: organisations in communes, 5 % verified
  representatives and 2 % claims, three kinds of event, 3 % waitlisted registrations,
  membership years up to this one, mailing lists, check-ins.

`TISSER_BENCH_SCALE` (default 1.0) scales every count for a quick run (0.02: a minute).
`TISSER_BENCH_KEEP=1` keeps the database after the run and measures again on it without
rebuilding (to study a plan). Writes benchmarks/results/contacts-postgresql.json.

    make bench NAME=contacts    # or: .venv/bin/python benchmarks/contacts.py
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
    postgres_reachable,
    time_calls,
    write_result,
)
from contacts_data import SCALE, analyse_database, build, reuse  # noqa: E402
from segments import measure_segment_counts  # noqa: E402

ITERATIONS = int(os.environ.get("TISSER_BENCH_ITERATIONS", "200"))
SEGMENT_ITERATIONS = int(os.environ.get("TISSER_BENCH_SEGMENT_ITERATIONS", "20"))
SEED = 1
PG_NAME = "bench_contacts"  # never another checkout's database
KEEP = os.environ.get("TISSER_BENCH_KEEP") == "1"


class ContactsDatabase(BenchDatabase):
    """The bench database; with TISSER_BENCH_KEEP=1 it outlives the run and is reused."""

    def __enter__(self):
        if KEEP and self._exists():
            from common import PG_HOST, PG_PORT

            os.environ["DATABASE_URL"] = f"postgres://postgres@{PG_HOST}:{PG_PORT}/{self.PG_NAME}"
            os.environ.setdefault("TISSER_DEBUG", "0")
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tisser.settings")
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
            import django

            django.setup()
            self.reused = True
            return self
        self.reused = False
        return super().__enter__()

    def __exit__(self, *exc):
        if not KEEP:
            return super().__exit__(*exc)
        from django.db import connections

        connections.close_all()
        self.tmp.cleanup()

    def _exists(self) -> bool:
        import psycopg
        from common import PG_HOST, PG_PORT

        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            found = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.PG_NAME]
            ).fetchone()
        return found is not None


def measure(database: str) -> None:
    # Named on the instance: importing another benchmark (segments) sets the class's name.
    with ContactsDatabase(database, pg_name=PG_NAME) as bench:
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from tisser.accounts.models import User
        from tisser.directory.contacts import queries_people

        call_command("migrate", verbosity=0)
        rng = random.Random(SEED)
        started = time.perf_counter()
        if bench.reused:
            data = reuse()
        else:
            data = build(rng)
            analyse_database()
        build_s = time.perf_counter() - started
        counts = {}
        with connection.cursor() as cursor:
            for table in (
                "directory_organisation",
                "directory_person",
                "events_registration",
                "events_attendance",
                "publications_delivery",
                "publications_subscription",
                "memberships_membership",
                "memberships_payment",
                "governance_groupmember",
                "governance_voter",
            ):
                cursor.execute(f"SELECT count(*) FROM {table}")
                counts[table] = cursor.fetchone()[0]
        engagement_rows = sum(
            v for k, v in counts.items() if k not in ("directory_organisation", "directory_person")
        )
        print(f"   built in {build_s:.0f} s: {counts}", flush=True)

        staff = User.objects.filter(email="bench@example.org").first() or (
            User.objects.create_user(
                email="bench@example.org", password="x" * 16, staff_role="editor"
            )
        )
        client = Client(SERVER_NAME="localhost")
        client.force_login(staff)

        def page(url):
            def call():
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return call

        people = rng.sample(data["people"], min(ITERATIONS, len(data["people"])))
        orgs = rng.sample(data["organisations"], min(ITERATIONS - 10, len(data["organisations"])))
        orgs += data["busy"][:10]  # the organisations with the most history
        person_urls = [f"/gestion/personnes/{pk}/historique/" for pk in people]
        org_urls = [f"/gestion/organisations/{pk}/historique/" for pk in orgs]
        # First visits read the sample's pages from disk after a restart (or a build); a
        # running server holds its working set in memory. Both are reported: the goal is
        # the second pass, the first is `timeline_first_pass_p95_ms`.
        first_pass = time_calls([page(url) for url in person_urls + org_urls])
        person_timing = time_calls([page(url) for url in person_urls])
        org_timing = time_calls([page(url) for url in org_urls])
        # SQL queries per timeline page (session, user and subject included), of a random
        # person and of the busiest organisation: bounded whatever the history's length.
        timeline_queries = 0
        for url in (
            f"/gestion/personnes/{people[0]}/historique/",
            f"/gestion/organisations/{data['busy'][0]}/historique/",
        ):
            with CaptureQueriesContext(connection) as captured:
                page(url)()
            timeline_queries = max(timeline_queries, len(captured.captured_queries))
        # A reference on the same data: the person's staff page as it was before (no history).
        reference = time_calls([page(f"/gestion/personnes/{pk}/") for pk in people[:100]])
        both = time_calls(
            [page(f"/gestion/personnes/{pk}/historique/") for pk in people[:50]]
            + [page(f"/gestion/organisations/{pk}/historique/") for pk in orgs[:50]]
        )

        started, started_cpu = time.perf_counter(), time.process_time()
        pairs = queries_people.duplicate_pairs()
        groups = queries_people.duplicate_groups(pairs)
        dedup_s = time.perf_counter() - started
        dedup_cpu_s = time.process_time() - started_cpu
        print(f"   dedup: {len(pairs)} pairs, {len(groups)} groups in {dedup_s:.1f} s", flush=True)

        # Segments: the staff's questions counted on this dataset (benchmarks/segments.py).
        segment_metrics = measure_segment_counts(SEGMENT_ITERATIONS)
        for name, figures in segment_metrics["segments"].items():
            print(
                f"   segment {name}: {figures['matching']} people, p95 {figures['p95_ms']} ms "
                f"(cpu {figures['cpu_p95_ms']} ms)",
                flush=True,
            )

        timeline_p95 = max(person_timing["p95_ms"], org_timing["p95_ms"])
        metrics = {
            "timeline_p95_ms": timeline_p95,
            "timeline_cpu_p95_ms": max(person_timing["cpu_p95_ms"], org_timing["cpu_p95_ms"]),
            "timeline_queries": timeline_queries,
            "timeline_first_pass_p95_ms": first_pass["p95_ms"],
            "timeline_first_pass": first_pass,
            "person_timeline": person_timing,
            "organisation_timeline": org_timing,
            "mixed_timeline": both,
            "person_page_reference": reference,
            "timeline_to_person_page_cpu_ratio": round(
                person_timing["cpu_p50_ms"] / max(reference["cpu_p50_ms"], 0.01), 2
            ),
            "people_dedup_s": round(dedup_s, 2),
            "people_dedup_cpu_s": round(dedup_cpu_s, 2),
            "duplicate_pairs": len(pairs),
            "duplicate_groups": len(groups),
            "build_s": None if bench.reused else round(build_s, 1),
            **segment_metrics,
        }
        params = {
            "organisations": counts["directory_organisation"],
            "people": counts["directory_person"],
            "engagement_entries": engagement_rows,
            "scale": SCALE,
            "iterations": ITERATIONS,
        }
        path = write_result(
            "contacts",
            database,
            params,
            metrics,
            notes={
                "timeline": "staff timeline pages through Django's test client (wall; cpu is "
                "this process's share); p95 of the worse of people and organisations, "
                "measured on a second pass over the sample (the first pass, from a cold "
                "page cache after a restart or a build, is timeline_first_pass); "
                "timeline_queries: SQL queries of the page, the most of a random person's "
                "and the busiest organisation's (session, user and subject included)",
                "dedup": "duplicate_pairs() + duplicate_groups() over every person",
                "tables": counts,
            },
        )
        print(
            f"   timeline p95 {timeline_p95} ms (cpu {metrics['timeline_cpu_p95_ms']} ms, "
            f"{timeline_queries} queries), "
            f"dedup {dedup_s:.1f} s → {path}",
            flush=True,
        )


if __name__ == "__main__":
    if os.environ.get(CHILD_ENV):
        measure(os.environ[CHILD_ENV])
    elif not postgres_reachable():
        print("contacts: PostgreSQL is not reachable on 127.0.0.1:5432; nothing measured")
    else:
        os.environ[CHILD_ENV] = "postgresql"
        measure("postgresql")
