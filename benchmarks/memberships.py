"""Benchmark of memberships on SQLite and PostgreSQL: the reads other apps make (who is a
member, an organisation's college), the staff pages at a big network's size, and the
HelloAsso webhook's throughput.

For each database (a fresh SQLite file; `bench_memberships` on the local PostgreSQL when
it answers), in its own process: migrate, load the territories, the demo network of
`TISSER_BENCH_ACTORS` (5,000) actors, memberships for two years (70 % of the actors last
year, 80 % of those renewed, some newcomers), then time. Writes
benchmarks/results/memberships-<database>.json.

    make bench NAME=memberships    # or: .venv/bin/python benchmarks/memberships.py
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    BenchDatabase,
    load_average,
    main_per_database,
    time_calls,
    write_result,
)

ACTORS = int(os.environ.get("TISSER_BENCH_ACTORS", "5000"))
ITERATIONS = int(os.environ.get("TISSER_BENCH_ITERATIONS", "50"))
NOTIFICATIONS = int(os.environ.get("TISSER_BENCH_NOTIFICATIONS", "200"))
SEED = 1
BenchDatabase.PG_NAME = "bench_memberships"  # never another checkout's database


def build_memberships(rng: random.Random) -> dict:
    from django.utils import timezone

    from tisser.directory.models import Organisation
    from tisser.memberships import services
    from tisser.memberships.demo import COLLEGES
    from tisser.memberships.models import Membership

    colleges = [services.ensure_college(name) for name, _d, _w in COLLEGES]
    last, this = services.ensure_year(2025), services.ensure_year(2026)
    now = timezone.now()
    ids = list(Organisation.objects.values_list("pk", flat=True))
    rows, before = [], set()
    for pk in ids:
        if rng.random() < 0.7:
            before.add(pk)
            rows.append(
                Membership(
                    organisation_id=pk,
                    year=last,
                    college=rng.choice(colleges),
                    status="validated",
                    amount_due=60,
                    validated_at=now - datetime.timedelta(days=300 + rng.randrange(60)),
                )
            )
    for pk in ids:
        renewing = pk in before and rng.random() < 0.8
        joining = pk not in before and rng.random() < 0.1
        if renewing or joining:
            rows.append(
                Membership(
                    organisation_id=pk,
                    year=this,
                    college=rng.choice(colleges),
                    status="validated" if rng.random() < 0.9 else "pending",
                    amount_due=60,
                    validated_at=now - datetime.timedelta(days=rng.randrange(200)),
                )
            )
    Membership.objects.bulk_create(rows, batch_size=2000)
    return {"memberships": len(rows)}


def measure(database: str) -> None:
    load_at_start = load_average()
    with BenchDatabase(database):
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from tisser.accounts.models import User
        from tisser.directory.demo import build_demo_network
        from tisser.directory.models import Organisation
        from tisser.memberships import queries
        from tisser.memberships.helloasso.notifications import sign
        from tisser.memberships.models import Membership

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("load_territories", verbosity=0)
        build_demo_network(size=ACTORS, seed=SEED)
        rng = random.Random(SEED)
        built = build_memberships(rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        setup_s = time.perf_counter() - started

        on = datetime.date(2026, 6, 1)
        orgs = list(Organisation.objects.order_by("?").values_list("pk", flat=True)[:ITERATIONS])
        metrics = {}
        metrics["members_in_good_standing_ids"] = time_calls(
            [lambda: list(queries.members_in_good_standing(on).values_list("pk", flat=True))]
            * ITERATIONS
        )
        metrics["is_member"] = time_calls([lambda pk=pk: queries.is_member(pk, on) for pk in orgs])
        metrics["college_of"] = time_calls(
            [lambda pk=pk: queries.college_of(pk, on) for pk in orgs]
        )
        since = datetime.date(2026, 1, 1)
        metrics["new_members"] = time_calls(
            [lambda: list(queries.new_members(since).values_list("pk", flat=True))] * 20
        )

        staff = User.objects.create_user(
            email="bench@example.org", password="motdepasse-solide-42", staff_role="editor"
        )
        client = Client(SERVER_NAME="localhost")
        client.force_login(staff)

        def get(path, params=None):
            def call():
                response = client.get(path, params or {})
                assert response.status_code == 200, (path, response.status_code)
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)

            return call

        metrics["staff_list_page"] = time_calls(
            [get("/gestion/adhesions/", {"year": "2026"})] * 20
            + [get("/gestion/adhesions/", {"territory": "dep-59", "status": "validated"})] * 20
        )
        metrics["staff_statistics_page"] = time_calls(
            [get("/gestion/adhesions/statistiques/")] * 10, warmup=1
        )
        metrics["staff_export_csv_year"] = time_calls(
            [get("/gestion/adhesions/export.csv", {"year": "2026"})] * 5, warmup=1
        )

        # The webhook: signed notifications of new members' payments, one at a time.
        import json

        settings.TISSER_HELLOASSO_WEBHOOK_SECRET = "bench"
        settings.TISSER_HELLOASSO_CLIENT_ID = ""
        bodies = []
        for n in range(NOTIFICATIONS):
            data = {
                "id": 900000 + n,
                "amount": 6000,
                "date": "2026-03-02T10:00:00+01:00",
                "state": "Authorized",
                "order": {"id": 800000 + n, "formSlug": "adhesion-2026", "formType": "Membership"},
                "payer": {
                    "email": f"bench{n}@example.org",
                    "firstName": "Bench",
                    "lastName": str(n),
                    "company": f"Structure du banc {n}",
                    "city": "Lille",
                    "zipCode": "59000",
                },
                "items": [{"type": "Membership", "name": "Adhésion 2026", "amount": 6000}],
            }
            bodies.append(json.dumps({"eventType": "Payment", "data": data}).encode())
        anonymous = Client(SERVER_NAME="localhost")

        def deliver(body):
            def call():
                response = anonymous.post(
                    "/webhooks/helloasso/",
                    body,
                    content_type="application/json",
                    HTTP_X_HA_SIGNATURE=sign(body, "bench"),
                )
                assert response.status_code == 200, response.content

            return call

        metrics["webhook_new_payment"] = time_calls([deliver(b) for b in bodies], warmup=0)
        metrics["webhook_replayed_payment"] = time_calls([deliver(b) for b in bodies[:50]])
        assert Membership.objects.filter(source="helloasso").count() == NOTIFICATIONS

        params = {
            "actors": ACTORS,
            "memberships": built["memberships"] + NOTIFICATIONS,
            "iterations": ITERATIONS,
            "notifications": NOTIFICATIONS,
        }
        notes = {
            "setup_s": round(setup_s, 1),
            "load_average_start": load_at_start,
            "load_average_end": load_average(),
            "server": "Django test client: the whole middleware stack, no network",
        }
        path = write_result("memberships", database, params, metrics, notes)
        print(f"memberships on {database}: {params}")
        for key, value in metrics.items():
            print(f"  {key:<30} p50 {value['p50_ms']} ms  p95 {value['p95_ms']} ms")
        print(f"  -> {path}")


if __name__ == "__main__":
    main_per_database(__file__, measure)
