"""The contacts benchmark's dataset: the counts at `TISSER_BENCH_SCALE`, the names, and
`build` (COPY of organisations, people, links and engagement entries), `reuse` (the same
from a kept database) and `analyse_database` (VACUUM ANALYZE)."""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import copy_rows, ids  # noqa: E402

SCALE = float(os.environ.get("TISSER_BENCH_SCALE", "1.0"))
ORGANISATIONS = int(200_000 * SCALE)
PEOPLE = int(500_000 * SCALE)
ENTRIES = int(2_000_000 * SCALE)

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
