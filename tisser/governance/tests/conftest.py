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
    return assembly
