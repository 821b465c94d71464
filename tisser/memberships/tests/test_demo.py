"""The demo memberships: built on the demo network, true to its member flags, idempotent."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from tisser.directory.demo import build_demo_network
from tisser.directory.models import Organisation
from tisser.directory.tests.demo_fixtures import hdf_communes  # noqa: F401
from tisser.memberships import queries
from tisser.memberships.models import College, FeeRule, Membership, MembershipYear, Payment

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Membership.objects.values_list("organisation__slug", "year__year", "status")),
        Payment.objects.count(),
        FeeRule.objects.count(),
        sorted(Organisation.objects.filter(is_member=True).values_list("slug", flat=True)),
    )


def test_demo_memberships_are_true_to_the_network_and_idempotent(hdf_communes):  # noqa: F811
    build_demo_network(size=60, seed=1)
    flagged = set(Organisation.objects.filter(is_member=True).values_list("pk", flat=True))
    out = StringIO()
    call_command("load_demo_memberships", stdout=out)
    assert out.getvalue().strip()
    assert {2025, 2026} <= set(MembershipYear.objects.values_list("year", flat=True))
    assert set(College.objects.values_list("name", flat=True)) == {
        "Structures de l'ESS",
        "Réseaux et fédérations",
        "Collectivités partenaires",
        "Personnes physiques",
    }
    assert FeeRule.objects.filter(year__year=2026, allows_free_amount=True).exists()
    # the members of the demo network are exactly today's members in good standing
    assert set(queries.members_in_good_standing().values_list("pk", flat=True)) == flagged
    assert Membership.objects.filter(status="pending").exists()
    cabanes = Organisation.objects.get(slug="les-cabanes-inspirees")
    assert queries.is_member(cabanes)
    first = cabanes.memberships.order_by("validated_at").first()
    # "Nouvel adhérent" in the June 2025 newsletter: first validated on 2 June 2025
    assert first.validated_at.date().isoformat() == "2025-06-02" and first.year.year == 2025
    # most members have been members since 2025: the AG of 12 June 2025 has its voters
    in_2025 = set(queries.members_in_good_standing(on=datetime.date(2025, 6, 12)))
    assert cabanes in in_2025 and len(in_2025) >= len(flagged) * 0.7
    before = snapshot()
    out = StringIO()
    call_command("load_demo_memberships", stdout=out)
    assert "already loaded" in out.getvalue() or "déjà chargées" in out.getvalue()
    assert snapshot() == before
