"""Two staff members accepting (or one accepting, one refusing) the same pending item at
the same moment, on PostgreSQL, each in its own thread and database connection: the one
moderation flow (`core.moderation`) locks the row, so the item is decided once, the other
is told it already was, and the proposer gets one email, in their own language.

The first decision is slowed down while it holds the lock, so that without the lock both
would read "pending" and both would apply: the test fails if the lock goes.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone, translation

from tisser.core import moderation
from tisser.directory.contacts import services as directory_services
from tisser.directory.contacts import services_claims
from tisser.directory.models import Affiliation, Organisation, Person, Proposal
from tisser.directory.proposals import services as services_proposals
from tisser.events.models import Event, EventKind, EventProposal, Session
from tisser.events.proposals import services as event_proposals

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.fixture
def staff(make_user):
    return [
        make_user("camille@reseau.example", staff_role="editor"),
        make_user("dominique@reseau.example", staff_role="admin"),
    ]


def race(decisions) -> list:
    """Run each decision in its own thread, all released at once; their results or errors."""
    start = threading.Barrier(len(decisions))
    results = [None] * len(decisions)

    def run(index, decision):
        try:
            with translation.override("fr"):  # the staff's language, not the proposer's
                start.wait()
                results[index] = decision()
        except Exception as error:  # noqa: BLE001 - the refusal is what is checked
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, d)) for i, d in enumerate(decisions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def slowed(monkeypatch, module, name):
    """Make `module.name` wait a little while the decision holds the lock."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        time.sleep(0.4)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_an_actor_proposal_is_accepted_once(staff, monkeypatch):
    proposal = Proposal.objects.create(
        kind=Proposal.Kind.NEW,
        data={"name": "Recyclerie du Coquelicot"},
        proposer_name="Ana Lopez",
        proposer_email="ana@example.org",
        language="en",
    )
    slowed(monkeypatch, directory_services, "create_organisation")
    mail.outbox.clear()
    results = race(
        [
            lambda: services_proposals.accept_proposal(proposal.pk, reviewer=staff[0]),
            lambda: services_proposals.accept_proposal(proposal.pk, reviewer=staff[1]),
        ]
    )
    refused = [r for r in results if isinstance(r, services_proposals.ProposalError)]
    accepted = [r for r in results if isinstance(r, Organisation)]
    assert len(accepted) == 1 and len(refused) == 1, results
    assert Organisation.objects.filter(name="Recyclerie du Coquelicot").count() == 1
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert proposal.reviewed_by in staff and proposal.reviewed_at <= timezone.now()
    told = mails_to("ana@example.org")
    assert len(told) == 1 and "accepted" in told[0].subject  # in English, as proposed
    assert told[0].reply_to == [proposal.reviewed_by.email]


def test_an_event_proposal_accepted_and_rejected_at_once_is_decided_once(
    staff, make_user, monkeypatch
):
    org = Organisation.objects.create(name="LMA", slug="lma")
    kind = EventKind.objects.create(name="Rencontre", slug="rencontre")
    event = Event.objects.create(
        title="Rendez-vous associatif", slug="rdv", kind=kind, status=Event.Status.PROPOSED
    )
    Session.objects.create(
        event=event, starts_at=timezone.now(), ends_at=timezone.now() + timezone.timedelta(hours=2)
    )
    proposal = EventProposal.objects.create(
        event=event,
        organisation=org,
        proposed_by=make_user("lma@example.org"),
        proposer_email="lma@example.org",
        language="en",
    )
    slowed(monkeypatch, moderation, "tell")
    mail.outbox.clear()
    results = race(
        [
            lambda: event_proposals.accept_event_proposal(proposal.pk, reviewer=staff[0]),
            lambda: event_proposals.reject_event_proposal(
                proposal.pk, reviewer=staff[1], reason="Hors du territoire"
            ),
        ]
    )
    refused = [r for r in results if isinstance(r, services_proposals.ProposalError)]
    decided = [r for r in results if isinstance(r, EventProposal)]
    assert len(decided) == 1 and len(refused) == 1, results
    proposal.refresh_from_db()
    event.refresh_from_db()
    if proposal.status == EventProposal.Status.ACCEPTED:
        assert event.status == Event.Status.PUBLISHED and proposal.rejection_reason == ""
        assert proposal.reviewed_by == staff[0]
    else:
        assert event.status == Event.Status.PROPOSED and proposal.reviewed_by == staff[1]
    assert len(mails_to("lma@example.org")) == 1


def test_a_claim_confirmed_by_two_staff_at_once_is_decided_once(staff, monkeypatch):
    org = Organisation.objects.create(name="Coop Manau", slug="coop-manau")
    person = Person.objects.create(first_name="Ivan", email="ivan@example.org")
    claim = services_claims.claim(
        person, org, source=Affiliation.Source.MEMBERSHIP_FORM, representative=True, language="en"
    )
    slowed(monkeypatch, services_claims, "_claimant_notice")
    mail.outbox.clear()
    results = race(
        [
            lambda: services_claims.accept(claim.pk, by=staff[0]),
            lambda: services_claims.refuse(claim.pk, by=staff[1]),
        ]
    )
    refused = [r for r in results if isinstance(r, services_claims.AlreadyDecided)]
    decided = [r for r in results if isinstance(r, Affiliation)]
    assert len(decided) == 1 and len(refused) == 1, results
    claim.refresh_from_db()
    assert claim.status in (Affiliation.Status.VERIFIED, Affiliation.Status.REFUSED)
    assert claim.is_representative is (claim.status == Affiliation.Status.VERIFIED)
    assert claim.reviewed_by == (staff[0] if claim.is_representative else staff[1])
    told = mails_to("ivan@example.org")
    assert len(told) == 1 and "Coop Manau" in told[0].subject
    assert told[0].subject.startswith(("You now represent", "Your request about"))  # English
