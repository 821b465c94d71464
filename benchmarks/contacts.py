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

import datetime as dt
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
from segments import measure_segment_counts  # noqa: E402

SCALE = float(os.environ.get("TISSER_BENCH_SCALE", "1.0"))
ORGANISATIONS = int(200_000 * SCALE)
PEOPLE = int(500_000 * SCALE)
ENTRIES = int(2_000_000 * SCALE)
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


FIRST_NAMES = [
    "Claire", "Hugo", "Marie", "Jean", "Léa", "Louis", "Camille", "Nicolas", "Inès", "Yann",
    "Sophie", "Pierre", "Julie", "Thomas", "Emma", "Lucas", "Chloé", "Mehdi", "Fatima", "Rémi",
]  # fmt: skip


def build(rng: random.Random) -> dict:
    from django.core.management import call_command
    from django.utils import timezone

    from tisser.directory.models import Affiliation, Organisation, Person
    from tisser.directory.people_keys import person_keys
    from tisser.events.models import Attendance, Event, EventKind, Registration, Session
    from tisser.governance.models import Assembly, Voter
    from tisser.governance.models_groups import GroupMember, WorkingGroup
    from tisser.memberships.models import Membership, MembershipYear, Payment
    from tisser.publications.models import MailingList, Subscription
    from tisser.publications.models_sending import Campaign, Delivery
    from tisser.territories.models import Commune

    now = timezone.now()
    started = time.perf_counter()

    def ago(days: float) -> dt.datetime:
        return now - dt.timedelta(days=days)

    # The communes (and their départements) for the segments' territory conditions.
    call_command("load_territories", verbosity=0)
    communes = list(Commune.objects.values_list("code", flat=True)) or [None]
    copy_rows(
        Organisation,
        ["name", "slug", "is_member", "commune_id", "created_at", "updated_at"],
        (
            (
                f"Structure {i}",
                f"structure-{i}",
                i % 3 == 0,
                rng.choice(communes),
                ago(3000),
                ago(10),
            )
            for i in range(ORGANISATIONS)
        ),
    )
    org_ids = ids(Organisation)
    # Last names skewed as real ones are: a few very common, a long tail.
    last_names = [f"Nom{i:05d}" for i in range(max(50, PEOPLE // 10))]
    weights = [1 / (rank + 1) ** 0.6 for rank in range(len(last_names))]

    def people_rows():
        chosen = rng.choices(last_names, weights, k=PEOPLE)
        prev = ("", "", "")
        for i in range(PEOPLE):
            first, last = rng.choice(FIRST_NAMES), chosen[i]
            phone = f"06{rng.randrange(10**8):08d}" if i % 2 else ""
            email = f"p{i}@example.org" if i % 5 else ""
            if i and i % 50 == 0:  # a planted duplicate: the previous person, folded otherwise
                first, last, phone, email = prev[0].upper(), prev[1].lower(), prev[2], ""
            prev = (first, last, phone)
            keys = person_keys(first_name=first, last_name=last, phone=phone)
            yield (first, last, email, phone, keys["name_key"], keys["phone_key"], ago(900))

    copy_rows(
        Person,
        ["first_name", "last_name", "email", "phone", "name_key", "phone_key", "created_at"],
        people_rows(),
    )
    person_ids = ids(Person)
    # One link each; a planted duplicate shares the previous person's organisation.
    # 5 % verified representatives, 2 % claims waiting for confirmation.
    busy = org_ids[:20]  # a few organisations everybody works with

    def affiliation_rows():
        previous = None
        for index, pk in enumerate(person_ids):
            if index and index % 50 == 0 and index % 100 == 0:
                org = previous
            elif rng.random() < 0.02:
                org = rng.choice(busy)
            else:
                org = rng.choice(org_ids)
            previous = org
            roll = rng.random()
            if roll < 0.02:
                yield (pk, org, "claimed", "form", ago(800), False)
            else:
                yield (pk, org, "verified", "staff", ago(800), roll < 0.07)

    copy_rows(
        Affiliation,
        ["person_id", "organisation_id", "status", "source", "created_at", "is_representative"],
        affiliation_rows(),
    )
    print(f"   contacts built in {time.perf_counter() - started:.0f} s", flush=True)

    # --- engagement: 2,000,000 entries in all, spread over the apps ---------------------
    share = {
        "registrations": 0.35,
        "attendances": 0.15,
        "deliveries": 0.30,
        "subscriptions": 0.10,
        "memberships": 0.04,
        "payments": 0.03,
        "groups": 0.015,
        "voters": 0.015,
    }
    n = {kind: max(1, int(ENTRIES * fraction)) for kind, fraction in share.items()}
    kinds = [
        EventKind.objects.create(name=name, slug=name.lower())
        for name in ("Fresque", "Matinale", "Rencontre")
    ]
    sessions = []
    events = max(10, n["registrations"] // 300)
    for index in range(events):
        event = Event.objects.create(
            title=f"Événement {index}", slug=f"evenement-{index}", kind=kinds[index % 3]
        )
        start = ago(rng.uniform(0, 900))
        sessions.append(
            Session.objects.create(
                event=event, starts_at=start, ends_at=start + dt.timedelta(hours=3)
            )
        )
    session_event = {s.pk: s.event_id for s in sessions}
    session_ids = [s.pk for s in sessions]

    def registration_rows():
        count = n["registrations"]
        for i in range(count):
            person = person_ids[i % len(person_ids)]
            round_ = i // len(person_ids)
            session = session_ids[(i * 7 + round_ * 13) % len(session_ids)]
            org = rng.choice(busy) if rng.random() < 0.05 else rng.choice(org_ids)
            yield (
                session_event[session],
                session,
                person,
                org,
                "waitlisted" if rng.random() < 0.03 else "confirmed",
                ago(rng.uniform(0, 900)),
            )

    copy_rows(
        Registration,
        ["event_id", "session_id", "person_id", "organisation_id", "status", "created_at"],
        registration_rows(),
    )
    registrations = list(
        Registration.objects.filter(status="confirmed")
        .order_by("pk")
        .values_list("pk", "session_id", "person_id")[: n["attendances"]]
    )
    copy_rows(
        Attendance,
        ["registration_id", "session_id", "person_id", "attended", "checked_at"],
        (
            (pk, session, person, True, ago(rng.uniform(0, 900)))
            for pk, session, person in registrations
        ),
    )

    years = [MembershipYear.objects.create(year=y) for y in range(2015, 2027)]
    member_orgs = org_ids[: n["memberships"] // len(years) + 1]

    def membership_rows():
        made = 0
        for year in years:
            for org in member_orgs:
                if made >= n["memberships"]:
                    return
                made += 1
                yield (org, year.pk, "validated", 60, ago(rng.uniform(0, 3000)), None)

    copy_rows(
        Membership,
        ["organisation_id", "year_id", "status", "amount_due", "validated_at", "representative_id"],
        membership_rows(),
    )
    membership_ids = ids(Membership)[: n["payments"]]
    copy_rows(
        Payment,
        ["membership_id", "amount", "method", "paid_on"],
        ((pk, 60, "cheque", ago(rng.uniform(0, 3000)).date()) for pk in membership_ids),
    )

    lists = [MailingList.objects.create(name=f"Liste {i}", slug=f"liste-{i}") for i in range(3)]
    copy_rows(
        Subscription,
        ["person_id", "mailing_list_id", "status", "origin", "created_at"],
        (
            (
                person_ids[i % len(person_ids)],
                lists[i // len(person_ids)].pk,
                "active",
                "form",
                ago(500),
            )
            for i in range(min(n["subscriptions"], 3 * len(person_ids)))
        ),
    )
    campaigns = [
        Campaign.objects.create(mailing_list=lists[0], subject=f"Infolettre {i}", status="sent")
        for i in range(100)
    ]

    def delivery_rows():
        for i in range(n["deliveries"]):
            index = i % len(person_ids)
            campaign = campaigns[(i // len(person_ids)) * 50 + index % 50]
            yield (
                campaign.pk,
                person_ids[index],
                f"d{index}@example.org",
                "sent",
                ago(rng.uniform(0, 900)),
            )

    copy_rows(Delivery, ["campaign_id", "person_id", "email", "status", "sent_at"], delivery_rows())

    groups = [
        WorkingGroup.objects.create(name=f"Groupe {i}", slug=f"groupe-{i}") for i in range(50)
    ]
    copy_rows(
        GroupMember,
        ["group_id", "person_id", "joined_at"],
        (
            (groups[i % len(groups)].pk, person_ids[(i * 31) % len(person_ids)], ago(400))
            for i in range(min(n["groups"], len(person_ids)))
        ),
    )
    assemblies = [
        Assembly.objects.create(title=f"AG {y}", slug=f"ag-{y}", starts_at=ago(365 * (2026 - y)))
        for y in range(2015, 2027)
    ]
    per_assembly = n["voters"] // len(assemblies) + 1
    copy_rows(
        Voter,
        ["assembly_id", "organisation_id", "present_at", "link_nonce"],
        (
            (assembly.pk, org, assembly.starts_at, "")
            for assembly in assemblies
            for org in org_ids[:per_assembly]
        ),
    )
    print(f"   engagement built in {time.perf_counter() - started:.0f} s", flush=True)
    return {"people": person_ids, "organisations": org_ids, "busy": busy}


def reuse() -> dict:
    """What `build` returns, read from a kept database."""
    from tisser.directory.models import Organisation, Person

    org_ids = ids(Organisation)
    return {"people": ids(Person), "organisations": org_ids, "busy": org_ids[:20]}


def analyse_database() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


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
