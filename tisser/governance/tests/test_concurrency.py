"""500 voters at once against PostgreSQL, through real HTTP clients (threads, each with its
own connection to a live server whose request threads each hold their own database
connection): every ballot counted once; double submissions, votes after the close, a
non-member, forged and reused links refused with a clear message; proxies given at once
to one holder stop at the statutes' maximum."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import connection, connections

from tisser.governance import services, services_ballot, services_count
from tisser.governance.models import Ballot, Motion, Participation, Voter
from tisser.governance.services import GovernanceError
from tisser.governance.tokens import make_vote_token
from tisser.memberships import services as membership_services
from tisser.memberships.models import Membership

from .conftest import bulk_members, make_members

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VOTERS = 500
CLIENTS = 24  # concurrent HTTP clients (and so server threads and PostgreSQL connections)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT = re.compile(r"data-receipt>([0-9A-F-]{19})<")


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set DATABASE_URL=postgres://…)")


def _vote(base, path, data, start=None):
    """One voter's browser: open the ballot, then post it (after `start`, if given)."""
    with httpx.Client(base_url=base, timeout=60, headers={"Accept-Language": "fr"}) as client:
        page = client.get(path)
        token = CSRF.search(page.text)
        if start is not None:
            start.wait()
        if token is None:
            return page.status_code, page.text
        response = client.post(
            path,
            data={**data, "csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": base + path},
        )
        return response.status_code, response.text


def _election(size):
    orgs = bulk_members(size)
    assembly = services.create_assembly(
        title="AG 2026",
        starts_at=__import__("django.utils.timezone").utils.timezone.now(),
        quorum_percent=25,
        max_proxies=2,
    )
    services.draw_up_register(assembly)
    services.convene(assembly, notify=False)
    motion = services_ballot.add_motion(
        assembly, kind=Motion.Kind.ELECTION, title="Élection du Collectif", seats=24
    )
    candidacies = [services_ballot.add_candidacy(motion, org) for org in orgs[:30]]
    services_ballot.open_motion(motion, notify=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"orgs": orgs, "assembly": assembly, "motion": motion, "candidacies": candidacies}


@pytest.fixture
def election(db):
    return _election(VOTERS + 1)  # the last one comes too late


@pytest.fixture
def small_election(db):
    return _election(60)


def test_500_concurrent_voters_every_ballot_counted_once(live_server, election):
    motion, candidacies = election["motion"], election["candidacies"]
    everyone = list(Voter.objects.filter(assembly=election["assembly"]).order_by("pk"))
    voters, too_late = everyone[:VOTERS], everyone[VOTERS]
    links = {v.pk: "/vote/" + make_vote_token(motion, v, v) + "/" for v in voters}
    # Each voter picks 3 candidacies, deterministically, so the expected tally is known.
    picks = {v.pk: [candidacies[(i + k) % 30].pk for k in range(3)] for i, v in enumerate(voters)}
    expected = {c.pk: 0 for c in candidacies}
    for chosen in picks.values():
        for pk in chosen:
            expected[pk] += 1
    doubled = voters[:100]  # these submit the same ballot twice, at the same moment
    # A member that lapsed between the convocation and the vote.
    lapsed = make_members(1, prefix="Adhésion annulée", start=900)[0]
    services.draw_up_register(election["assembly"])
    lapsed_voter = Voter.objects.get(assembly=election["assembly"], organisation=lapsed)
    membership_services.cancel_membership(Membership.objects.get(organisation=lapsed))
    connections.close_all()

    # Each doubled voter's two submissions race each other (a barrier per wave).
    pair_results = []
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for wave in range(0, len(doubled), CLIENTS // 2):
            group = doubled[wave : wave + CLIENTS // 2]
            barrier = threading.Barrier(2 * len(group), timeout=120)
            futures = [
                pool.submit(
                    _vote, live_server.url, links[v.pk], {"candidacy": picks[v.pk]}, barrier
                )
                for v in group
                for _ in range(2)
            ]
            pair_results.extend(f.result() for f in futures)
        singles = [
            pool.submit(_vote, live_server.url, links[v.pk], {"candidacy": picks[v.pk]})
            for v in voters[100:]
        ]
        single_results = [f.result() for f in singles]
        non_member = pool.submit(
            _vote,
            live_server.url,
            "/vote/" + make_vote_token(motion, lapsed_voter, lapsed_voter) + "/",
            {"candidacy": [candidacies[0].pk]},
        ).result()
        forged = pool.submit(
            _vote, live_server.url, links[voters[0].pk][:-6] + "xxxxx/", {"candidacy": []}
        ).result()
        reused = pool.submit(
            _vote, live_server.url, links[voters[200].pk], {"candidacy": [candidacies[0].pk]}
        ).result()

    accepted = [r for r in pair_results + single_results if r[0] == 200 and RECEIPT.search(r[1])]
    refused = [r for r in pair_results if r[0] == 403]
    assert len(accepted) == VOTERS
    assert len(refused) == len(doubled)
    assert all("chaque adhérent vote une seule fois" in r[1] for r in refused)
    assert non_member[0] == 403 and "n’est pas adhérente à jour" in non_member[1]
    assert forged[0] == 403 and "n’est pas valide" in forged[1]
    assert reused[0] == 403 and "a déjà été enregistré" in reused[1]

    assert Participation.objects.filter(motion=motion).count() == VOTERS
    assert Ballot.objects.filter(motion=motion).count() == VOTERS
    receipts = [RECEIPT.search(r[1]).group(1) for r in accepted]
    assert len(set(receipts)) == VOTERS
    assert all(services_ballot.ballot_counted(motion, code) for code in receipts[:50])

    motion = services_count.close_motion(motion)
    late = _vote(
        live_server.url,
        "/vote/" + make_vote_token(motion, too_late, too_late) + "/",
        {"candidacy": []},
    )
    assert late[0] == 403 and "plus aucun bulletin n’est accepté" in late[1]
    counted = {c["id"]: c["votes"] for c in motion.results["candidates"]}
    assert counted == expected
    assert motion.results["participation_weight"] == VOTERS
    assert motion.results["total_weight"] == VOTERS + 2  # with the late one and the lapsed one
    assert motion.results["seats_filled"] == 24


def test_a_vote_after_the_close_is_refused_even_when_racing_the_close(small_election):
    election = small_election
    motion = election["motion"]
    voters = list(Voter.objects.filter(assembly=election["assembly"]).order_by("pk")[:39])
    connections.close_all()
    barrier = threading.Barrier(len(voters) + 1, timeout=60)

    def vote(voter):
        barrier.wait()
        try:
            return services_ballot.cast_online(make_vote_token(motion, voter, voter), selection=[])
        except services_ballot.VoteRefused as refused:
            return refused.code
        finally:
            connections.close_all()

    def close():
        barrier.wait()
        try:
            return services_count.close_motion(motion)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(voters) + 1) as pool:
        futures = [pool.submit(vote, v) for v in voters]
        closing = pool.submit(close)
        outcomes = [f.result() for f in futures]
        closed = closing.result()
    accepted = [o for o in outcomes if o not in {"closed"}]
    assert set(outcomes) - set(accepted) <= {"closed"}
    # Whatever the interleaving: the count made at the close holds every accepted ballot,
    # and no ballot entered the box after it.
    assert closed.results["participants"] == len(accepted)
    assert Ballot.objects.filter(motion=motion).count() == len(accepted)
    assert Participation.objects.filter(motion=motion).count() == len(accepted)


def test_proxies_given_at_once_to_one_holder_stop_at_the_maximum(small_election):
    election = small_election
    assembly = election["assembly"]
    voters = list(Voter.objects.filter(assembly=assembly).order_by("pk")[:21])
    holder, givers = voters[0], voters[1:]
    connections.close_all()
    barrier = threading.Barrier(len(givers), timeout=60)

    def give(giver):
        barrier.wait()
        try:
            services.give_proxy(giver, holder)
            return "ok"
        except GovernanceError as refused:
            return refused.message
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(givers)) as pool:
        outcomes = list(pool.map(give, givers))
    assert outcomes.count("ok") == assembly.max_proxies == 2
    refusals = [o for o in outcomes if o != "ok"]
    assert len(refusals) == 18
    assert all("le maximum prévu par les statuts" in o for o in refusals)
    assert holder.proxies_held.count() == 2
