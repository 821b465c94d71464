"""The demo's memberships, on top of `manage.py load_demo`: years 2025 and 2026 (and
today's), the colleges of the seeds, a fee schedule, validated memberships for the demo's
member organisations (`is_member`), last year's too for most, and a few pending
renewals. Idempotent: every write finds what a previous run made."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

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


@transaction.atomic
def load_demo_memberships(seed: int = 1) -> dict:
    colleges = {
        name: services.ensure_college(name, description=description, vote_weight=weight, order=i)
        for i, (name, description, weight) in enumerate(COLLEGES, start=1)
    }
    today = timezone.localdate()
    y2025, y2026 = services.ensure_year(2025), services.ensure_year(2026)
    current = services.ensure_current_year()
    _fees(y2025, colleges, Decimal("0"))
    _fees(y2026, colleges, Decimal("0"))
    if current not in (y2025, y2026):
        services.copy_fee_schedule(y2026, current)
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
        new_member = org.slug == "les-cabanes-inspirees" or rng.random() < 0.15
        if previous is not None and (not new_member or org.slug == "les-cabanes-inspirees"):
            old, _ = services.request_membership(
                org, previous, college=college, representative=rep, source="helloasso"
            )
            day = previous.starts_on + datetime.timedelta(days=10 + rng.randrange(150))
            if org.slug == "les-cabanes-inspirees":  # "Nouvel adhérent", June 2025
                day = datetime.date(previous.year, 6, 2)
            _paid(old, day, rng, index)
            services.validate_membership(old, at=_aware(day), notify=False)
        if org.slug == "les-cabanes-inspirees" and previous is not None:
            continue_day = current.starts_on + datetime.timedelta(days=20)
        else:
            continue_day = current.starts_on + datetime.timedelta(days=5 + rng.randrange(120))
        continue_day = min(continue_day, today)
        membership, _ = services.request_membership(
            org, current, college=college, representative=rep, source="helloasso"
        )
        _paid(membership, continue_day, rng, index)
        services.validate_membership(membership, at=_aware(continue_day), notify=False)
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
