"""Two representatives deciding one claim at the same moment, against PostgreSQL, through
real HTTP clients (threads, each with its own connection to a live server): the pending
row is locked, so exactly one decision is applied and the others are told it is already
decided; the claimant is told once."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.core import mail
from django.db import connection

from tisser.directory.contacts import services, services_claims
from tisser.directory.contacts.services_claims import ACCEPT, REFUSE
from tisser.directory.models import Affiliation, Organisation, Person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set DATABASE_URL=postgres://…)")


def _decide(base, path, start):
    """One representative's browser: open the link, then press the button with the others."""
    with httpx.Client(base_url=base, timeout=60, headers={"Accept-Language": "fr"}) as client:
        page = client.get(path)
        token = CSRF.search(page.text)
        start.wait()
        if token is None:
            return page.status_code
        response = client.post(
            path,
            data={"csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": base + path},
        )
        return response.status_code


@pytest.mark.parametrize("round_", range(3))
def test_one_decision_wins_the_others_change_nothing(live_server, settings, round_):
    settings.SITE_URL = live_server.url
    coop = Organisation.objects.create(name="Coop Manau", slug="coop-manau", is_member=True)
    reps = []
    for name in ("Rita", "Rémi"):
        person = Person.objects.create(first_name=name, email=f"{name.lower()}@coop.example.org")
        reps.append(services.affiliate(person, coop, is_representative=True))
    claimant = Person.objects.create(first_name="Ivan", email="intrus@example.org")
    claim = services_claims.claim(claimant, coop, source="membership_form", representative=True)
    paths = [
        "/" + services_claims.decision_url(claim, reps[0], ACCEPT).split("/", 3)[3],
        "/" + services_claims.decision_url(claim, reps[1], REFUSE).split("/", 3)[3],
        "/" + services_claims.decision_url(claim, reps[0], REFUSE).split("/", 3)[3],
        "/" + services_claims.decision_url(claim, reps[1], ACCEPT).split("/", 3)[3],
    ]
    mail.outbox.clear()
    start = threading.Barrier(len(paths))
    with ThreadPoolExecutor(len(paths)) as pool:
        codes = list(pool.map(lambda p: _decide(live_server.url, p, start), paths))
    assert sorted(codes) == [200, 409, 409, 409], codes
    claim.refresh_from_db()
    winner = paths[codes.index(200)]
    accepted = winner in (paths[0], paths[3])
    assert claim.status == ("verified" if accepted else "refused")
    assert claim.is_representative is accepted
    assert claim.reviewed_by_person in {reps[0].person, reps[1].person}
    assert Affiliation.objects.pending_claims().count() == 0
    told = [m for m in mail.outbox if m.to == ["intrus@example.org"]]
    assert len(told) == 1
