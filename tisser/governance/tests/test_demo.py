"""The demo governance: the AG of 12 June 2025 and its Collectif of 11 structures elected
(24 seats at most), the AG of 11 June 2026, working groups with referents; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from tisser.directory.demo import build_demo_network
from tisser.directory.tests.demo_fixtures import hdf_communes  # noqa: F401
from tisser.governance.models import Assembly, Ballot, Participation, Proxy, Voter
from tisser.governance.models_groups import GroupMember, WorkingGroup

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Assembly.objects.values_list("slug", "status")),
        Voter.objects.count(),
        Participation.objects.count(),
        Ballot.objects.count(),
        Proxy.objects.count(),
        sorted(WorkingGroup.objects.values_list("slug", flat=True)),
        GroupMember.objects.count(),
    )


def test_demo_governance_from_the_seeds_and_idempotent(hdf_communes):  # noqa: F811
    build_demo_network(size=80, seed=1)
    call_command("load_demo_memberships", stdout=StringIO())
    out = StringIO()
    call_command("load_demo_governance", stdout=out)
    assert out.getvalue().count("\n") == 1
    ag = Assembly.objects.get(slug="ag-apes-2025")
    assert ag.status == "closed" and ag.place == "Louvre-Lens Vallée, Lens"
    assert ag.starts_at.date().isoformat() == "2025-06-12"
    election = ag.motions.get(kind="election")
    results = election.results
    assert results["seats"] == 24 and results["seats_filled"] == 11
    assert results["quorum_reached"]
    elected = {c["organisation"] for c in results["candidates"] if c["elected"]}
    assert len(elected) == 11
    assert {"Coop Manau", "La Manufacture du Coquelicot"} <= elected
    assert ag.motions.get(kind="resolution").results["adopted"]
    assert (
        Participation.objects.filter(motion=election).count()
        == Ballot.objects.filter(motion=election).count()
    )
    # The voters of 2025 are the members in good standing on 12 June 2025.
    assert ag.voters.filter(organisation__slug="les-cabanes-inspirees").exists()
    ag_2026 = Assembly.objects.get(slug="ag-apes-2026")
    assert ag_2026.status == "closed" and ag_2026.place == "Bazaar St So, Lille"
    assert not ag_2026.motions.filter(kind="election").exists()
    assert ag_2026.motions.get(kind="resolution").results["adopted"]
    # A vote to come is open for the demo representative (Coop Manau).
    age = Assembly.objects.get(slug="age-apes-statuts")
    assert age.motions.get().status == "open"
    assert age.voters.filter(organisation__slug="coop-manau", is_active=True).exists()
    vie = WorkingGroup.objects.get(slug="vie-de-reseau")
    assert vie.referent.email == "representant@demo.tisser.fr"
    assert vie.members.filter(person__email="adherent@demo.tisser.fr").exists()

    before = snapshot()
    again = StringIO()
    call_command("load_demo_governance", stdout=again)
    assert again.getvalue().count("\n") == 1
    assert snapshot() == before


def test_demo_governance_needs_the_demo_memberships(hdf_communes):  # noqa: F811
    from django.core.management.base import CommandError

    build_demo_network(size=20, seed=1)
    with pytest.raises(CommandError, match="load_demo_memberships"):
        call_command("load_demo_governance", stdout=StringIO())
    assert not Assembly.objects.exists()
