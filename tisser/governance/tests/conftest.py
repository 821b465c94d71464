"""Fixtures of the governance tests: member organisations with validated memberships of
this year (through the memberships services), their representatives, and an assembly."""

import datetime

import pytest
from django.utils import timezone

from tisser.directory.models import Affiliation, Organisation, Person
from tisser.governance import services
from tisser.memberships import services as membership_services


def make_members(count, *, prefix="Structure", college=None, start=0):
    """`count` organisations, each with a representative and a validated membership."""
    year = membership_services.ensure_year(timezone.localdate().year)
    orgs = []
    for i in range(start, start + count):
        org = Organisation.objects.create(
            name=f"{prefix} {i:03d}", slug=f"{prefix.lower().replace(' ', '-')}-{i:03d}"
        )
        person = Person.objects.create(
            first_name="Repr", last_name=f"{i:03d}", email=f"rep{i:03d}.{org.slug}@example.org"
        )
        Affiliation.objects.create(person=person, organisation=org, is_representative=True)
        membership, _ = membership_services.request_membership(org, year, college=college)
        membership_services.validate_membership(membership)
        orgs.append(org)
    return orgs


def bulk_members(count, *, prefix="Votante", college=None):
    """The same as `make_members`, in a few bulk inserts (for the concurrency tests)."""
    from tisser.memberships.models import Membership

    year = membership_services.ensure_year(timezone.localdate().year)
    slug = prefix.lower()
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"{prefix} {i:04d}", slug=f"{slug}-{i:04d}", is_member=True)
        for i in range(count)
    )
    people = Person.objects.bulk_create(
        Person(first_name="Repr", last_name=f"{i:04d}", email=f"rep.{slug}-{i:04d}@example.org")
        for i in range(count)
    )
    Affiliation.objects.bulk_create(
        Affiliation(person=p, organisation=o, is_representative=True)
        for p, o in zip(people, orgs, strict=True)
    )
    now = timezone.now()
    Membership.objects.bulk_create(
        Membership(
            organisation=o,
            year=year,
            college=college,
            representative=p,
            status=Membership.Status.VALIDATED,
            validated_at=now,
        )
        for p, o in zip(people, orgs, strict=True)
    )
    return list(Organisation.objects.filter(slug__startswith=f"{slug}-").order_by("slug"))


@pytest.fixture
def members(db):
    return make_members(6)


@pytest.fixture
def assembly(members):
    assembly = services.create_assembly(
        title="AG de l'APES",
        starts_at=timezone.now() + datetime.timedelta(hours=1),
        place="Bazaar St So, Lille",
        quorum_percent=25,
        max_proxies=2,
        agenda=["État des lieux", "Élection du Collectif"],
    )
    services.draw_up_register(assembly)
    services.convene(assembly, notify=False)
    return assembly


REPRESENTATIVE = "rita@coop-manau.example.org"


def member_with_open_vote(make_user, organisation: dict, *, college=None) -> dict:
    """Coop Manau (`organisation`: its fields), a member in good standing whose verified
    representative is Rita (she reads Tisser in English), two other members, and an
    assembly convened with an online vote open."""
    from tisser.directory.contacts import services as directory_services
    from tisser.governance import services_ballot
    from tisser.governance.models import Motion, Voter

    year = membership_services.ensure_year(timezone.localdate().year)
    coop = directory_services.create_organisation({"name": "Coop Manau", **organisation})
    user = make_user(REPRESENTATIVE, language="en")
    rita = Person.objects.create(
        first_name="Rita", last_name="Rep", email=REPRESENTATIVE, user=user
    )
    directory_services.affiliate(rita, coop, role="Gérante", is_representative=True)
    membership, _ = membership_services.request_membership(
        coop, year, college=college, representative=rita
    )
    membership_services.validate_membership(membership, notify=False)
    make_members(2, college=college)
    assembly = services.create_assembly(
        title="AG 2026", starts_at=timezone.now() + datetime.timedelta(hours=2)
    )
    services.draw_up_register(assembly)
    services.convene(assembly, notify=False)
    motion = services_ballot.add_motion(
        assembly, kind=Motion.Kind.RESOLUTION, title="Approbation des comptes"
    )
    services_ballot.open_motion(motion, notify=False)
    return {
        "year": year,
        "coop": coop,
        "rita": rita,
        "assembly": assembly,
        "motion": motion,
        "voter": Voter.objects.get(assembly=assembly, organisation=coop),
    }


@pytest.fixture
def fresh_broker_pools():
    """Fresh kombu pools: a worker test before this one may have closed the app's pool."""
    from kombu import pools

    from tisser.celery import app

    pools.reset()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
