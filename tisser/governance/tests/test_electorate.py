"""The electorate reads verified facts only: each voting member organisation is listed
with its verified representatives, staff see before convening which have none, and
convocations and voting links go to verified representatives only (never to a claimed
one, nor to an organisation's public address)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tisser.directory.contacts import services_claims
from tisser.directory.models import Affiliation, Organisation, Person
from tisser.governance import queries, services, services_ballot
from tisser.governance.models import Motion

from .conftest import make_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def electorate(django_capture_on_commit_callbacks):
    orgs = make_members(3)
    orphan = orgs[2]
    Affiliation.objects.filter(organisation=orphan).delete()
    Organisation.objects.filter(pk=orphan.pk).update(email="contact@orpheline.example.org")
    claimant = Person.objects.create(first_name="Ivan", email="intrus@example.org")
    services_claims.claim(claimant, orgs[0], source="membership_form", representative=True)
    services_claims.claim(claimant, orphan, source="membership_form", representative=True)
    assembly = services.create_assembly(
        title="AG 2026", starts_at=timezone.now() + datetime.timedelta(days=10)
    )
    services.draw_up_register(assembly)
    mail.outbox.clear()
    return {"orgs": orgs, "orphan": orphan, "assembly": assembly}


def test_each_voter_is_listed_with_its_verified_representatives(electorate):
    rows = {v.organisation.name: v for v in queries.electorate(electorate["assembly"])}
    assert [
        a.person.email for a in rows["Structure 000"].organisation.verified_representatives
    ] == ["rep000.structure-000@example.org"]
    assert rows["Structure 002"].organisation.verified_representatives == []
    without = queries.without_representative(list(rows.values()))
    assert [v.organisation for v in without] == [electorate["orphan"]]


def test_staff_see_who_has_none_before_convening(client, electorate, make_user):
    client.force_login(make_user("editeur@example.org", staff_role="editor"))
    url = reverse("governance:staff_assembly", args=[electorate["assembly"].pk])
    page = client.get(url).content.decode()
    assert "1 organisation adhérente n’a aucun·e représentant·e confirmé·e" in page
    assert "Structure 002" in page and "intrus@example.org" not in page
    response = client.post(url, {"action": "convene"}, follow=True)
    assert "1 organisation adhérente n’a aucun·e représentant·e confirmé·e" in (
        response.content.decode()
    )


def test_convocation_and_links_reach_verified_representatives_only(
    electorate, django_capture_on_commit_callbacks
):
    assembly = electorate["assembly"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.convene(assembly)
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert sent == 2 and recipients == [
        "rep000.structure-000@example.org",
        "rep001.structure-001@example.org",
    ]
    motion = services_ballot.add_motion(assembly, kind=Motion.Kind.RESOLUTION, title="Comptes")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services_ballot.open_motion(motion)
        orphan_voter = assembly.voters.get(organisation=electorate["orphan"])
        services_ballot.reissue_links(orphan_voter)
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert "intrus@example.org" not in recipients
    assert "contact@orpheline.example.org" not in recipients
    assert recipients == ["rep000.structure-000@example.org", "rep001.structure-001@example.org"]
