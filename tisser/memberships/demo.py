"""The demo's memberships, on top of `manage.py load_demo`: every year from 2025 (the
newsletters' first) to today's, the colleges of the seeds, a fee schedule, validated
memberships for the demo's member organisations (`is_member`) — most since 2025, so that
the AG of 12 June 2025 has its voters; Les Cabanes Inspirées since 2 June 2025, the
"Nouvel adhérent" of the June 2025 newsletter; about one in seven only since this year —
former members of last year, and a few pending renewals. Idempotent: every write finds
what a previous run made."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tisser.directory.demo.real_actors import REAL_ACTORS
from tisser.directory.models import Organisation

from . import services
from .models import FeeRule, Membership, MembershipYear, Payment

COLLEGES = [
    (
        "Structures de l'ESS",
        "Associations, coopératives, mutuelles, entreprises de l'économie solidaire.",
        1,
    ),
    ("Réseaux et fédérations", "Réseaux, fédérations et têtes de réseau de l'ESS.", 1),
    ("Collectivités partenaires", "Communes, intercommunalités et autres collectivités.", 1),
    ("Personnes physiques", "Personnes qui soutiennent le réseau à titre individuel.", 1),
]
# (label, legal form, workforce band, amount, free amount)
FEES = [
    ("Structure sans salarié", "", "0", "30", False),
    ("Structure de 1 à 2 salariés", "", "1-2", "60", False),
    ("Structure de 3 à 9 salariés", "", "3-9", "100", False),
    ("Structure de 10 à 49 salariés", "", "10-49", "200", False),
    ("Structure de 50 à 249 salariés", "", "50-249", "350", False),
    ("Structure de 250 salariés et plus", "", "250+", "500", False),
    ("Structure (effectif non précisé)", "", "", "60", False),
    ("Collectivité partenaire", "collectivite", "", "500", False),
    ("Adhésion de soutien (montant libre)", "autre", "", "20", True),
]
NETWORK_WORDS = ("réseau", "reseau", "fédération", "federation", "union", "collectif", "cress")


def _college_for(org: Organisation, colleges: dict):
    name = org.name.lower()
    if org.legal_form == "collectivite":
        return colleges["Collectivités partenaires"]
    if any(word in name for word in NETWORK_WORDS):
        return colleges["Réseaux et fédérations"]
    return colleges["Structures de l'ESS"]


def _aware(day: datetime.date, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _fees(year: MembershipYear, colleges: dict, rise: Decimal) -> None:
    for order, (label, legal_form, workforce, amount, free) in enumerate(FEES):
        if FeeRule.objects.filter(year=year, label=label).exists():
            continue
        services.save_fee_rule(
            FeeRule(
                year=year,
                label=label,
                legal_form=legal_form,
                workforce=workforce,
                college=colleges["Collectivités partenaires"]
                if legal_form == "collectivite"
                else None,
                amount=Decimal(amount) if free else Decimal(amount) + rise,
                allows_free_amount=free,
                order=order,
            )
        )


def _paid(membership: Membership, day: datetime.date, rng: random.Random, index: int) -> None:
    if membership.payments.exists() or not membership.amount_due:
        return
    method = rng.choice(["helloasso", "helloasso", "helloasso", "transfer", "cheque"])
    services.record_payment(
        membership,
        amount=membership.amount_due,
        method=method,
        paid_on=day,
        reference=f"demo-{membership.year.year}-{index}" if method != "helloasso" else "",
        external_id=f"demo-{membership.year.year}-{membership.organisation_id}"
        if method == "helloasso"
        else None,
    )


def _representative(org: Organisation):
    affiliation = org.affiliations.representatives().select_related("person").order_by("pk").first()
    return affiliation.person if affiliation else None


FIRST_YEAR = 2025
CABANES = "les-cabanes-inspirees"
CABANES_JOINED = datetime.date(2025, 6, 2)  # "Nouvel adhérent" in the June 2025 newsletter
NAMED = {actor["slug"] for actor in REAL_ACTORS}


@transaction.atomic
def load_demo_memberships(seed: int = 1) -> dict:
    colleges = {
        name: services.ensure_college(name, description=description, vote_weight=weight, order=i)
        for i, (name, description, weight) in enumerate(COLLEGES, start=1)
    }
    today = timezone.localdate()
    current = services.ensure_current_year()
    years = [services.ensure_year(y) for y in range(FIRST_YEAR, max(current.year, 2026) + 1)]
    for year in years:
        if year.year <= 2026:
            _fees(year, colleges, Decimal("0"))
        elif not FeeRule.objects.filter(year=year).exists():
            services.copy_fee_schedule(MembershipYear.objects.get(year=year.year - 1), year)
    years = [y for y in years if y.starts_on <= today]
    previous = MembershipYear.objects.filter(year=current.year - 1).first()
    before = Membership.objects.count()
    members = list(Organisation.objects.filter(is_member=True).order_by("pk"))
    non_members = list(
        Organisation.objects.filter(is_member=False, status="published")
        .exclude(slug="apes-hauts-de-france")
        .order_by("pk")
    )
    for index, org in enumerate(members):
        rng = random.Random(f"{seed}:{org.slug}")  # per organisation: reruns draw the same
        college = _college_for(org, colleges)
        rep = _representative(org)
        named = org.slug in NAMED  # the seeds' own members have been there since 2025
        joined = FIRST_YEAR if named or rng.random() >= 0.15 else current.year
        for year in years:
            if year.year < joined:
                continue
            day = year.starts_on + datetime.timedelta(days=10 + rng.randrange(140))
            if org.slug == CABANES:
                day = CABANES_JOINED if year.year == FIRST_YEAR else year.starts_on
                day += datetime.timedelta(days=0 if year.year == FIRST_YEAR else 20)
            day = min(day, today)
            membership, _ = services.request_membership(
                org, year, college=college, representative=rep, source="helloasso"
            )
            _paid(membership, day, rng, index)
            services.validate_membership(membership, at=_aware(day), notify=False)
    # Former members: members last year, not this year; a few have asked to renew.
    picker = random.Random(seed)
    former = picker.sample(non_members, min(len(non_members), 12)) if previous else []
    pending = 0
    for index, org in enumerate(sorted(former, key=lambda o: o.pk)):
        rng = random.Random(f"{seed}:{org.slug}")
        college = _college_for(org, colleges)
        rep = _representative(org)
        old, _ = services.request_membership(org, previous, college=college, representative=rep)
        day = previous.starts_on + datetime.timedelta(days=30 + rng.randrange(200))
        _paid(old, day, rng, 1000 + index)
        services.validate_membership(old, at=_aware(day), notify=False)
        if index % 3 == 0:
            services.request_membership(
                org, current, college=college, representative=rep, source="form"
            )
            pending += 1
    services.refresh_member_flags()
    return {
        "memberships": Membership.objects.count() - before,
        "payments": Payment.objects.count(),
        "members": len(members),
        "pending": pending,
    }
