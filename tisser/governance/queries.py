"""Reads of the governance app that views, the minutes and the API share."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, Sum

from tisser.directory.models import Affiliation
from tisser.directory.permissions import represented_organisations

from .models import Assembly, Ballot, Motion, Participation, Proxy, Voter
from .services_ballot import votes_cast_by
from .tokens import make_vote_token


def attendance(assembly: Assembly) -> dict:
    """Live attendance and quorum: weight present, represented by a present holder, total."""
    voters = assembly.voters.filter(is_active=True)
    total = voters.aggregate(w=Sum("weight"))["w"] or 0
    present = voters.filter(present_at__isnull=False)
    present_weight = present.aggregate(w=Sum("weight"))["w"] or 0
    represented = Proxy.objects.filter(
        assembly=assembly,
        holder__present_at__isnull=False,
        holder__is_active=True,
        giver__is_active=True,
        giver__present_at__isnull=True,
    )
    represented_weight = represented.aggregate(w=Sum("giver__weight"))["w"] or 0
    required = math.ceil(total * assembly.quorum_percent / 100)
    counted = present_weight + represented_weight
    return {
        "voters": voters.count(),
        "total_weight": total,
        "present": present.count(),
        "present_weight": present_weight,
        "represented": represented.count(),
        "represented_weight": represented_weight,
        "registered": voters.filter(registered_at__isnull=False).count(),
        "counted_weight": counted,
        "quorum_required": required,
        "quorum_reached": total > 0 and counted >= required,
        "percent": round(100 * counted / total, 1) if total else 0,
    }


def register_rows(assembly: Assembly):
    return (
        assembly.voters.select_related("organisation", "proxy_given__holder__organisation")
        .annotate(held=Count("proxies_held"))
        .order_by("organisation__name")
    )


def electorate(assembly: Assembly) -> list[Voter]:
    """Each voting member organisation on the register with its verified representatives
    (`organisation.verified_representatives`): the only people its convocation and voting
    links go to. An organisation with none is reached by nobody until staff confirm one."""
    representatives = (
        Affiliation.objects.representatives()
        .exclude(person__email="")
        .select_related("person")
        .order_by("pk")
    )
    return list(
        assembly.voters.filter(is_active=True)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "organisation__affiliations",
                queryset=representatives,
                to_attr="verified_representatives",
            )
        )
        .order_by("organisation__name")
    )


def without_representative(voters: list[Voter]) -> list[Voter]:
    return [v for v in voters if not v.organisation.verified_representatives]


def public_assemblies():
    return Assembly.objects.exclude(status=Assembly.Status.DRAFT).order_by("-starts_at")


def motions_with_results(assembly: Assembly):
    """Every motion; only closed ones carry results (the templates show nothing else)."""
    return assembly.motions.prefetch_related("candidacies__organisation")


def closed_results(motion: Motion) -> dict | None:
    """A closed motion's results with the candidacies' names; None while it is open."""
    if motion.status != Motion.Status.CLOSED or not motion.results:
        return None
    return motion.results


def receipt_hashes(motion: Motion) -> list[str]:
    """Published after the close: every online ballot's receipt hash, sorted (not by time)."""
    if motion.status != Motion.Status.CLOSED:
        return []
    return sorted(
        Ballot.objects.filter(motion=motion)
        .exclude(receipt_hash="")
        .values_list("receipt_hash", flat=True)
    )


def participations(motion: Motion):
    """The audit of who voted (never how), by organisation name."""
    return motion.participations.select_related(
        "voter__organisation", "cast_by__organisation", "recorded_by"
    ).order_by("voter__organisation__name")


@dataclass
class OpenVote:
    motion: Motion
    voter: Voter
    caster: Voter
    done: bool
    token: str

    @property
    def by_proxy(self) -> bool:
        return self.voter.pk != self.caster.pk


def open_votes_for(user) -> list[OpenVote]:
    """The open online votes a logged-in representative may cast, own and by proxy."""
    orgs = represented_organisations(user)
    casters = (
        Voter.objects.filter(
            organisation__in=orgs, is_active=True, assembly__motions__status=Motion.Status.OPEN
        )
        .select_related("organisation", "assembly")
        .distinct()
    )
    rows = []
    for caster in casters:
        motions = caster.assembly.motions.filter(status=Motion.Status.OPEN, online=True)
        casts = votes_cast_by(caster)
        for motion in motions:
            done_ids = set(
                Participation.objects.filter(motion=motion, voter__in=casts).values_list(
                    "voter_id", flat=True
                )
            )
            for voter in casts:
                rows.append(
                    OpenVote(
                        motion,
                        voter,
                        caster,
                        voter.pk in done_ids,
                        make_vote_token(motion, voter, caster),
                    )
                )
    return rows


def my_voters(user, assembly: Assembly):
    """The register lines of the organisations this user represents, in this assembly."""
    return (
        assembly.voters.filter(organisation__in=represented_organisations(user))
        .select_related("organisation")
        .prefetch_related(
            Prefetch("proxy_given", queryset=Proxy.objects.select_related("holder__organisation"))
        )
    )


def possible_holders(assembly: Assembly, giver: Voter):
    """Members who may still receive a proxy: active, not the giver, not givers, below max."""
    return (
        assembly.voters.filter(is_active=True)
        .exclude(pk=giver.pk)
        .exclude(proxy_given__isnull=False)
        .annotate(held=Count("proxies_held"))
        .filter(held__lt=assembly.max_proxies)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def staff_assembly_list():
    return Assembly.objects.annotate(
        n_voters=Count("voters", filter=Q(voters__is_active=True), distinct=True),
        n_motions=Count("motions", distinct=True),
    ).order_by("-starts_at")
