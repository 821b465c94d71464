"""The close of a vote and its count: quorum, resolutions by their majority, elections by
seats with the tie rule. Closing locks the motion row, so the votes in flight (which
share-lock it, see `services_ballot`) commit first and none after; the count is stored once.
"""

from __future__ import annotations

import hashlib
import math
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import electorate
from .models import Assembly, Candidacy, Choice, Motion
from .services import GovernanceError


def _quorum(motion: Motion) -> dict:
    assembly = motion.assembly
    total = sum(assembly.voters.filter(is_active=True).values_list("weight", flat=True))
    took_part = sum(motion.ballots.values_list("weight", flat=True))
    required = math.ceil(total * assembly.quorum_percent / 100)
    return {
        "total_weight": total,
        "participation_weight": took_part,
        "participants": motion.participations.count(),
        "quorum_percent": assembly.quorum_percent,
        "quorum_required": required,
        "quorum_reached": took_part >= required and took_part > 0,
    }


def _resolution_outcome(motion: Motion, quorum: dict) -> dict:
    tally = dict.fromkeys(Choice.values, 0)
    for choice, weight in motion.ballots.values_list("choice", "weight"):
        tally[choice] = tally.get(choice, 0) + weight
    pour, contre, abst = tally["for"], tally["against"], tally["abstain"]
    if motion.majority == Motion.Majority.TWO_THIRDS:
        passed = pour > 0 and 3 * pour >= 2 * (pour + contre)
    elif motion.majority == Motion.Majority.ABSOLUTE:
        passed = 2 * pour > pour + contre + abst
    else:
        passed = pour > contre
    return {"tally": tally, "adopted": bool(quorum["quorum_reached"] and passed)}


def _tie_key(motion: Motion, candidacy: Candidacy):
    lot = hashlib.sha256(f"{motion.tie_seed}:{candidacy.pk}".encode()).hexdigest()
    if motion.tie_rule == Motion.TieRule.SENIORITY:
        since = electorate.member_since(candidacy.organisation)
        return (since is None, since.toordinal() if since else 0, lot)
    return (lot,)


def _election_outcome(motion: Motion, quorum: dict) -> dict:
    votes = {c.pk: 0 for c in motion.candidacies.all()}
    blank = 0
    for selection, weight in motion.ballots.values_list("selection", "weight"):
        if not selection:
            blank += weight
        for pk in selection:
            if pk in votes:
                votes[pk] += weight
    candidacies = {c.pk: c for c in motion.candidacies.select_related("organisation")}
    motion.tie_seed = secrets.token_hex(16)
    ranked = sorted(candidacies.values(), key=lambda c: (-votes[c.pk], *_tie_key(motion, c)))
    seats = motion.seats
    elected, tie = [], None
    if quorum["quorum_reached"]:
        with_votes = [c for c in ranked if votes[c.pk] > 0]
        elected = with_votes[:seats]
        if (
            len(with_votes) > seats
            and votes[with_votes[seats - 1].pk] == votes[with_votes[seats].pk]
        ):
            tied_votes = votes[with_votes[seats].pk]
            tie = {
                "votes": tied_votes,
                "candidacies": [c.pk for c in with_votes if votes[c.pk] == tied_votes],
                "rule": motion.tie_rule,
                "seed": motion.tie_seed,
            }
    return {
        "candidates": [
            {
                "id": c.pk,
                "organisation": c.organisation.name,
                "votes": votes[c.pk],
                "elected": c in elected,
            }
            for c in ranked
        ],
        "seats": seats,
        "seats_filled": len(elected),
        "elected": [c.pk for c in elected],
        "blank_weight": blank,
        "tie": tie,
    }


def close_motion(motion: Motion, *, at=None) -> Motion:
    """Close a vote and count it, once. Votes in flight finish first (row lock).

    `at` records another closing time (the demo's past assembly); the count is made now.
    """
    with transaction.atomic():
        motion = Motion.objects.select_for_update().select_related("assembly").get(pk=motion.pk)
        if motion.status != Motion.Status.OPEN:
            raise GovernanceError(_("Only an open vote can be closed."))
        motion.status, motion.closed_at = Motion.Status.CLOSED, at or timezone.now()
        motion.save(update_fields=["status", "closed_at"])
    with transaction.atomic():
        motion = Motion.objects.select_for_update().select_related("assembly").get(pk=motion.pk)
        quorum = _quorum(motion)
        outcome = (
            _election_outcome(motion, quorum)
            if motion.is_election
            else _resolution_outcome(motion, quorum)
        )
        motion.results = {**quorum, **outcome, "counted_at": timezone.now().isoformat()}
        motion.save(update_fields=["results", "tie_seed"])
    return motion


@transaction.atomic
def close_assembly(assembly: Assembly) -> Assembly:
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    for motion in assembly.motions.filter(status=Motion.Status.OPEN):
        close_motion(motion)
    assembly.status = Assembly.Status.CLOSED
    assembly.save(update_fields=["status"])
    return assembly
