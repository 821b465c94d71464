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
