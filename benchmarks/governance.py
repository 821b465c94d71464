"""Online voting: how long one secret-ballot vote takes (the signed link checked, the
good standing checked, the motion share-locked, `Participation` + `Ballot` written in one
transaction), how many votes per second several clients get at once (PostgreSQL), and how
long the close takes to count them. The reference is the bare SQL of a vote (two INSERTs
in one transaction, same connection), measured in the same run.

`make bench NAME=governance` → benchmarks/results/governance-<database>.json
"""

from __future__ import annotations

import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    BenchDatabase,
    load_average,
    main_per_database,
    time_calls,
    write_result,
)

VOTERS = 1000
CANDIDATES = 30
THREADS = 8


class GovernanceBenchDatabase(BenchDatabase):
    PG_NAME = "bench_governance"


def setup_election():
    from django.core.management import call_command
    from django.utils import timezone

    from tisser.directory.models import Affiliation, Organisation, Person
    from tisser.governance import services, services_ballot
    from tisser.governance.models import Motion
    from tisser.memberships import services as membership_services
    from tisser.memberships.models import Membership

    call_command("migrate", verbosity=0)
    year = membership_services.ensure_year(timezone.localdate().year)
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Votante {i:05d}", slug=f"votante-{i:05d}", is_member=True)
        for i in range(VOTERS)
    )
    people = Person.objects.bulk_create(
        Person(first_name="R", last_name=str(i), email=f"r{i}@example.org") for i in range(VOTERS)
    )
    Affiliation.objects.bulk_create(
        Affiliation(person=p, organisation=o, is_representative=True)
        for p, o in zip(people, orgs, strict=True)
    )
    Membership.objects.bulk_create(
        Membership(organisation=o, year=year, status="validated", validated_at=timezone.now())
        for o in orgs
    )
    assembly = services.create_assembly(title="AG bench", starts_at=timezone.now())
    services.draw_up_register(assembly)
    services.convene(assembly, notify=False)
    election = services_ballot.add_motion(
        assembly, kind=Motion.Kind.ELECTION, title="Collectif", seats=24
    )
    for org in orgs[:CANDIDATES]:
        services_ballot.add_candidacy(election, org)
    services_ballot.open_motion(election, notify=False)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return assembly, election


def bare_sql_votes(n: int) -> float:
    """Reference: the two INSERTs of a vote in one transaction each; votes per second."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_seen (motion int, voter int, UNIQUE (motion, voter))")
        cursor.execute("CREATE TABLE bench_box (id varchar(36) PRIMARY KEY, motion int, c text)")
    started = time.perf_counter()
    for i in range(n):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_seen VALUES (%s, %s)", [1, i])
            cursor.execute(
                "INSERT INTO bench_box VALUES (%s, %s, %s)", [str(uuid.uuid4()), 1, "[1,2,3]"]
            )
    return n / (time.perf_counter() - started)


def main(vendor: str) -> None:
    with GovernanceBenchDatabase(vendor):
        from django.db import connections

        from tisser.governance import services_ballot, services_count
        from tisser.governance.models import Ballot, Voter
        from tisser.governance.tokens import make_vote_token

        assembly, election = setup_election()
        voters = list(Voter.objects.filter(assembly=assembly).order_by("pk"))
        candidacies = list(election.candidacies.values_list("pk", flat=True))
        tokens = [make_vote_token(election, v, v) for v in voters]

        def vote(i):
            return lambda: services_ballot.cast_online(
                tokens[i], selection=[candidacies[(i + k) % CANDIDATES] for k in range(3)]
            )

        serial = VOTERS // 2
        latency = time_calls([vote(i) for i in range(serial)], warmup=0)
        serial_rate = serial / (latency["p50_ms"] * serial / 1000) if latency["p50_ms"] else 0
        metrics = {
            "vote_p50_ms": latency["p50_ms"],
            "vote_p95_ms": latency["p95_ms"],
            "vote_cpu_p50_ms": latency["cpu_p50_ms"],
        }
        rest = list(range(serial, VOTERS))
        threads = THREADS if vendor == "postgresql" else 1
        lock = threading.Lock()
        refused = []

        def worker(indices):
            for i in indices:
                try:
                    vote(i)()
                except Exception as error:  # noqa: BLE001  (counted, reported)
                    with lock:
                        refused.append(repr(error))
            connections.close_all()

        chunks = [rest[k::threads] for k in range(threads)]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(worker, chunks))
        concurrent_rate = len(rest) / (time.perf_counter() - started)
        metrics[f"votes_per_s_{threads}_clients"] = round(concurrent_rate, 1)
        metrics["votes_per_s_serial_p50"] = round(serial_rate, 1)
        metrics["refused"] = len(refused)
        started = time.perf_counter()
        closed = services_count.close_motion(election)
        metrics["close_and_count_ms"] = round((time.perf_counter() - started) * 1000, 1)
        metrics["ballots"] = Ballot.objects.filter(motion=election).count()
        assert metrics["ballots"] == VOTERS - len(refused), "a ballot went missing"
        assert closed.results["participants"] == metrics["ballots"]
        reference = bare_sql_votes(500)
        metrics["bare_sql_votes_per_s"] = round(reference, 1)
        metrics["ratio_to_bare_sql_serial"] = round(serial_rate / reference, 3)
        notes = f"load average {load_average()}; {THREADS} threads on PostgreSQL, 1 on SQLite"
        path = write_result(
            "governance",
            vendor,
            {"voters": VOTERS, "candidacies": CANDIDATES, "threads": threads},
            metrics,
            notes,
        )
        print(metrics)
        print(f"wrote {path}")


if __name__ == "__main__":
    main_per_database(__file__, main)
