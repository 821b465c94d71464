"""The rules of the vote, as a specification: who votes, with what weight, once; proxies
within the maximum; the secret ballot and its receipt; the count, majorities and ties."""

import pytest
from django.utils import translation

from tisser.governance import queries, services, services_ballot, services_count
from tisser.governance.models import Ballot, Motion, Participation, Voter
from tisser.governance.services import GovernanceError
from tisser.governance.services_ballot import VoteRefused, cast_online
from tisser.governance.tokens import make_vote_token
from tisser.memberships import services as membership_services
from tisser.memberships.models import Membership

from .conftest import make_members

pytestmark = pytest.mark.django_db


def resolution(assembly, **extra):
    motion = services_ballot.add_motion(
        assembly, kind=Motion.Kind.RESOLUTION, title="Approbation des comptes", **extra
    )
    services_ballot.open_motion(motion, notify=False)
    return motion


def token(motion, org, cast_by=None):
    voter = Voter.objects.get(assembly=motion.assembly, organisation=org)
    caster = Voter.objects.get(assembly=motion.assembly, organisation=cast_by or org)
    return make_vote_token(motion, voter, caster)


def test_the_register_holds_members_in_good_standing_with_their_college_weight(db, members):
    college = membership_services.ensure_college("Réseaux et fédérations", vote_weight=3)
    heavy = make_members(1, prefix="Réseau", college=college)[0]
    from tisser.directory.models import Organisation

    Organisation.objects.create(name="Pas adhérente", slug="pas-adherente")
    assembly = services.create_assembly(
        title="AG", starts_at=__import__("django.utils.timezone").utils.timezone.now()
    )
    report = services.draw_up_register(assembly)
    assert report["added"] == 7
    weights = dict(assembly.voters.values_list("organisation__name", "weight"))
    assert weights["Réseau 000"] == 3 and weights["Structure 000"] == 1
    assert "Pas adhérente" not in weights
    # A cancelled membership takes the organisation off the register, kept for the record.
    membership_services.cancel_membership(Membership.objects.get(organisation=heavy))
    assert services.draw_up_register(assembly)["removed"] == 1
    assert not assembly.voters.get(organisation=heavy).is_active


def test_one_vote_recorded_apart_from_its_ballot_with_a_receipt(assembly, members):
    motion = resolution(assembly)
    receipt = cast_online(token(motion, members[0]), choice="for")
    participation = Participation.objects.get(motion=motion)
    assert participation.voter.organisation == members[0]
    ballot = Ballot.objects.get(motion=motion)
    assert ballot.choice == "for" and ballot.weight == 1
    # Nothing in the ballot points back to the voter: no voter column, no time.
    names = {f.name for f in Ballot._meta.get_fields()}
    assert not names & {"voter", "participation", "created_at", "at", "organisation"}
    assert services_ballot.ballot_counted(motion, receipt)
    assert services_ballot.ballot_counted(motion, receipt.lower().replace("-", " "))
    assert not services_ballot.ballot_counted(motion, "0000-0000-0000-0000")


def test_second_vote_reused_link_forged_link_and_vote_after_close_are_refused(assembly, members):
    motion = resolution(assembly)
    link = token(motion, members[0])
    cast_online(link, choice="for")
    with pytest.raises(VoteRefused) as again:
        cast_online(link, choice="against")
    assert again.value.code == "already"
    assert "Structure 000" in again.value.message and "une seule fois" in again.value.message
    with pytest.raises(VoteRefused) as forged:
        cast_online(link[:-3] + "abc", choice="for")
    assert forged.value.code == "forged"
    with pytest.raises(VoteRefused) as forged_id:  # a real signature on another payload
        cast_online(link.replace(link.split(":")[0], "eyJtIjoxfQ"), choice="for")
    assert forged_id.value.code == "forged"
    services_count.close_motion(motion)
    with pytest.raises(VoteRefused) as late:
        cast_online(token(motion, members[1]), choice="for")
    assert late.value.code == "closed"
    assert Ballot.objects.filter(motion=motion).count() == 1
    assert Participation.objects.filter(motion=motion).count() == 1


def test_messages_are_in_the_voters_language(assembly, members):
    motion = resolution(assembly)
    link = token(motion, members[0])
    cast_online(link, choice="for")
    with translation.override("en"), pytest.raises(VoteRefused) as again:
        cast_online(link, choice="for")
    assert "each member votes once" in again.value.message


def test_a_non_member_cannot_vote(assembly, members):
    motion = resolution(assembly)
    membership_services.cancel_membership(Membership.objects.get(organisation=members[2]))
    with pytest.raises(VoteRefused) as refused:
        cast_online(token(motion, members[2]), choice="for")
    assert refused.value.code == "not_member"
    assert "n’est pas adhérente à jour" in refused.value.message
    assert not Ballot.objects.exists()


def test_a_replaced_link_no_longer_works(assembly, members):
    motion = resolution(assembly)
    link = token(motion, members[0])
    Voter.objects.filter(organisation=members[0]).update(link_nonce="nouveau")
    with pytest.raises(VoteRefused) as refused:
        cast_online(link, choice="for")
    assert refused.value.code == "replaced"


def test_proxies_within_the_maximum(assembly, members):
    v = {org.pk: Voter.objects.get(assembly=assembly, organisation=org) for org in members}
    holder = v[members[0].pk]
    services.give_proxy(v[members[1].pk], holder)
    services.give_proxy(v[members[2].pk], holder)
    with pytest.raises(GovernanceError) as beyond:
        services.give_proxy(v[members[3].pk], holder)
    assert "maximum" in beyond.value.message and "Structure 000" in beyond.value.message
    with pytest.raises(GovernanceError):  # no chains: a giver cannot hold
        services.give_proxy(v[members[3].pk], v[members[1].pk])
    with pytest.raises(GovernanceError):  # a holder cannot give
        services.give_proxy(holder, v[members[3].pk])
    with pytest.raises(GovernanceError):  # one proxy per giver
        services.give_proxy(v[members[1].pk], v[members[4].pk])
    with pytest.raises(GovernanceError):
        services.give_proxy(v[members[3].pk], v[members[3].pk])
    assert holder.proxies_held.count() == 2


def test_the_holder_casts_the_givers_vote_and_the_giver_no_longer_can(assembly, members):
    v = {org.pk: Voter.objects.get(assembly=assembly, organisation=org) for org in members}
    services.give_proxy(v[members[1].pk], v[members[0].pk])
    motion = resolution(assembly)
    with pytest.raises(VoteRefused) as own:
        cast_online(token(motion, members[1]), choice="against")
    assert own.value.code == "proxy" and "Structure 000" in own.value.message
    cast_online(token(motion, members[1], cast_by=members[0]), choice="for")
    cast_online(token(motion, members[0]), choice="for")
    participation = Participation.objects.get(motion=motion, voter=v[members[1].pk])
    assert participation.cast_by == v[members[0].pk]
    # An impostor holder is refused too.
    with pytest.raises(VoteRefused):
        cast_online(token(motion, members[2], cast_by=members[3]), choice="for")


def test_results_only_after_the_close_with_quorum_and_majority(assembly, members):
    motion = resolution(assembly, majority=Motion.Majority.TWO_THIRDS)
    for org, choice in zip(members[:5], ["for", "for", "for", "against", "abstain"], strict=True):
        cast_online(token(motion, org), choice=choice)
    assert queries.closed_results(motion) is None
    assert queries.receipt_hashes(motion) == []
    motion = services_count.close_motion(motion)
    results = queries.closed_results(motion)
    assert results["tally"] == {"for": 3, "against": 1, "abstain": 1}
    assert results["participation_weight"] == 5 and results["total_weight"] == 6
    assert results["quorum_reached"] and results["adopted"]  # 3 of 4 expressed ≥ 2/3
    assert len(queries.receipt_hashes(motion)) == 5
    with pytest.raises(GovernanceError):
        services_count.close_motion(motion)


@pytest.mark.parametrize(
    ("majority", "votes", "adopted"),
    [
        ("simple", ["for", "against", "abstain", "abstain"], False),
        ("simple", ["for", "for", "against", "abstain"], True),
        ("absolute", ["for", "for", "against", "abstain"], False),
        ("absolute", ["for", "for", "for", "abstain"], True),
        ("two_thirds", ["for", "for", "against", "against"], False),
    ],
)
def test_majorities(assembly, members, majority, votes, adopted):
    motion = resolution(assembly, majority=majority)
    for org, choice in zip(members, votes, strict=False):
        cast_online(token(motion, org), choice=choice)
    assert services_count.close_motion(motion).results["adopted"] is adopted


def test_no_quorum_no_decision(assembly, members):
    motion = resolution(assembly)
    cast_online(token(motion, members[0]), choice="for")  # 1 of 6 < 25 %
    results = services_count.close_motion(motion).results
    assert not results["quorum_reached"] and not results["adopted"]


def election(assembly, orgs, seats, tie_rule="lot"):
    motion = services_ballot.add_motion(
        assembly,
        kind=Motion.Kind.ELECTION,
        title="Élection du Collectif",
        seats=seats,
        tie_rule=tie_rule,
    )
    candidacies = [
        services_ballot.add_candidacy(motion, org, statement=f"Pour {org.name}") for org in orgs
    ]
    services_ballot.open_motion(motion, notify=False)
    return motion, candidacies


def test_election_seats_filled_and_at_most_seats_choices(assembly, members):
    motion, c = election(assembly, members[:4], seats=2)
    with pytest.raises(VoteRefused) as too_many:
        cast_online(token(motion, members[0]), selection=[c[0].pk, c[1].pk, c[2].pk])
    assert too_many.value.code == "too_many"
    with pytest.raises(VoteRefused):
        cast_online(token(motion, members[0]), selection=[999999])
    cast_online(token(motion, members[0]), selection=[c[0].pk, c[1].pk])
    cast_online(token(motion, members[1]), selection=[c[0].pk, c[2].pk])
    cast_online(token(motion, members[2]), selection=[c[0].pk])
    cast_online(token(motion, members[3]), selection=[])  # a blank ballot counts for quorum
    results = services_count.close_motion(motion).results
    assert results["elected"][0] == c[0].pk
    assert results["seats_filled"] == 2
    assert sorted(results["tie"]["candidacies"]) == sorted([c[1].pk, c[2].pk])
    assert results["tie"]["seed"]
    assert results["blank_weight"] == 1
    assert c[3].pk not in results["elected"]


def test_tie_by_lot_is_reproducible_from_the_recorded_seed(assembly, members):
    import hashlib

    motion, c = election(assembly, members[:3], seats=1)
    for org, cand in zip(members[:3], c, strict=True):
        cast_online(token(motion, org), selection=[cand.pk])
    motion = services_count.close_motion(motion)
    seed = motion.results["tie"]["seed"]
    expected = min(c, key=lambda x: hashlib.sha256(f"{seed}:{x.pk}".encode()).hexdigest())
    assert motion.results["elected"] == [expected.pk]


def test_tie_by_seniority_of_membership(assembly, members):
    year = membership_services.ensure_year(__import__("datetime").date.today().year - 3)
    m, _ = membership_services.request_membership(members[2], year)
    membership_services.validate_membership(m)
    motion, c = election(assembly, members[:3], seats=1, tie_rule="seniority")
    for org, cand in zip(members[:3], c, strict=True):
        cast_online(token(motion, org), selection=[cand.pk])
    assert services_count.close_motion(motion).results["elected"] == [c[2].pk]


def test_show_of_hands_recorded_by_staff_for_present_members(assembly, members):
    motion = services_ballot.add_motion(
        assembly, kind=Motion.Kind.RESOLUTION, title="Motion à main levée", online=False
    )
    services_ballot.open_motion(motion)
    v = {org.pk: Voter.objects.get(assembly=assembly, organisation=org) for org in members}
    for org in members[:3]:
        services.sign_in(v[org.pk])
    services.give_proxy(v[members[4].pk], v[members[0].pk])
    with pytest.raises(VoteRefused) as online:
        cast_online(token(motion, members[0]), choice="for")
    assert online.value.code == "room_only"
    report = services_ballot.record_room_votes(
        motion,
        {
            v[members[0].pk].pk: "for",
            v[members[1].pk].pk: "against",
            v[members[4].pk].pk: "for",
            v[members[3].pk].pk: "for",
        },
    )
    assert report["recorded"] == 3 and len(report["refused"]) == 1  # 003 is not present
    again = services_ballot.record_room_votes(motion, {v[members[0].pk].pk: "against"})
    assert again["recorded"] == 0 and "une seule fois" in again["refused"][0]
    results = services_count.close_motion(motion).results
    assert results["tally"] == {"for": 2, "against": 1, "abstain": 0}


def test_live_attendance_counts_present_and_represented_weight(assembly, members):
    v = {org.pk: Voter.objects.get(assembly=assembly, organisation=org) for org in members}
    services.sign_in(v[members[0].pk])
    services.give_proxy(v[members[1].pk], v[members[0].pk])
    services.give_proxy(v[members[2].pk], v[members[5].pk])  # holder absent: not counted
    stats = queries.attendance(assembly)
    assert stats["present_weight"] == 1 and stats["represented_weight"] == 1
    assert stats["counted_weight"] == 2 and stats["quorum_required"] == 2
    assert stats["quorum_reached"]


def test_a_vote_opens_only_once_the_assembly_is_convened(db, members):
    from django.utils import timezone

    draft = services.create_assembly(title="AGE", starts_at=timezone.now())
    motion = services_ballot.add_motion(draft, kind=Motion.Kind.RESOLUTION, title="Statuts")
    with pytest.raises(GovernanceError) as refused:
        services_ballot.open_motion(motion)
    assert "convocation" in refused.value.message
