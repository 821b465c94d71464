"""Votes: opening, the online secret ballot, show-of-hands records, motions and candidacies.
The close and the count are in `services_count.py`.

One vote is one transaction that writes a `Participation` (who) and a `Ballot` (what); the
unique constraint on (motion, voter) refuses a second vote even when two arrive at once,
and the motion row is share-locked on PostgreSQL so that the close (which locks it for
update) waits for the votes in flight and no vote commits after it.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tisser.core.mail import send_templated_mail

from . import electorate
from .models import Assembly, Ballot, Candidacy, Choice, Motion, Participation, Proxy, Voter
from .services import GovernanceError, in_language, organisation_recipients, site_url
from .tokens import LinkInvalid, make_vote_token, read_vote_token


class VoteRefused(GovernanceError):
    """A vote that is not recorded, and why (in the voter's language)."""


def normalise_receipt(code: str) -> str:
    """ "5b7b 76e3…" or "5B7B-76E3-…" as typed: the 16 hex digits, grouped by four."""
    raw = "".join(ch for ch in (code or "").upper() if ch in "0123456789ABCDEF")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def hash_receipt(code: str) -> str:
    return hashlib.sha256(normalise_receipt(code).encode()).hexdigest()


def _new_receipt() -> str:
    raw = secrets.token_hex(8).upper()  # 64 random bits, readable over the phone
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def caster_of(voter: Voter) -> Voter:
    """Who casts this voter's vote: the proxy holder if it gave one, else itself."""
    proxy = Proxy.objects.filter(giver=voter).select_related("holder").first()
    return proxy.holder if proxy else voter


def votes_cast_by(caster: Voter) -> list[Voter]:
    """The votes a voter casts: its own (unless given away) and the proxies it holds."""
    own = [] if Proxy.objects.filter(giver=caster).exists() else [caster]
    held = [
        p.giver
        for p in Proxy.objects.filter(holder=caster, giver__is_active=True).select_related(
            "giver__organisation"
        )
    ]
    return own + held


# Opening and links --------------------------------------------------------------------


def vote_link(motion: Motion, voter: Voter, cast_by: Voter) -> str:
    return site_url(reverse("governance:ballot", args=[make_vote_token(motion, voter, cast_by)]))


@transaction.atomic
def open_motion(motion: Motion, *, notify: bool = True, at=None) -> int:
    """Open a vote; for an online one, email each caster their signed links."""
    motion = Motion.objects.select_for_update().select_related("assembly").get(pk=motion.pk)
    if motion.status != Motion.Status.DRAFT:
        raise GovernanceError(_("This vote has already been opened."))
    if motion.assembly.status == Assembly.Status.DRAFT:
        raise GovernanceError(_("Send the convocation before opening a vote."))
    if motion.is_election and not motion.candidacies.exists():
        raise GovernanceError(_("An election needs at least one candidacy."))
    assembly = motion.assembly
    if assembly.register_built_at is None:
        from .services import draw_up_register

        draw_up_register(assembly)
    motion.status, motion.opened_at = Motion.Status.OPEN, at or timezone.now()
    motion.save(update_fields=["status", "opened_at"])
    if not (notify and motion.online):
        return 0
    return send_vote_links(motion)


def _mail_links(motion: Motion, caster: Voter, links: list[dict]) -> int:
    """One "vote open" message to each address of the caster's organisation."""
    recipients = organisation_recipients(caster.organisation)
    for address, language in recipients:
        send_templated_mail(
            to=[address],
            subject=in_language(language, gettext_noop("Vote open: %(title)s"), title=motion.title),
            template="governance/emails/vote_open",
            context={
                "motion": motion,
                "assembly": motion.assembly,
                "links": links,
                "organisation": caster.organisation.name,
            },
            language=language,
        )
    return len(recipients)


def send_vote_links(motion: Motion) -> int:
    """Email each caster (voter, or proxy holder) one message with their signed links."""
    assembly = motion.assembly
    sent = 0
    active = assembly.voters.filter(is_active=True).select_related("organisation")
    for caster in active:
        casts = votes_cast_by(caster)
        if not casts:
            continue
        links = [
            {
                "organisation": v.organisation.name,
                "proxy": v.pk != caster.pk,
                "url": vote_link(motion, v, caster),
            }
            for v in casts
        ]
        sent += _mail_links(motion, caster, links)
    return sent


@transaction.atomic
def reissue_links(voter: Voter) -> int:
    """New links for one voter (lost or leaked email, new representative): the old ones
    stop working at once; the new ones go to whoever casts its vote, for each open vote."""
    voter = Voter.objects.select_for_update().select_related("organisation").get(pk=voter.pk)
    voter.link_nonce = secrets.token_hex(8)
    voter.save(update_fields=["link_nonce"])
    caster = caster_of(voter)
    sent = 0
    motions = Motion.objects.filter(
        assembly_id=voter.assembly_id, status=Motion.Status.OPEN, online=True
    ).select_related("assembly")
    for motion in motions:
        if motion.participations.filter(voter=voter).exists():
            continue
        links = [
            {
                "organisation": voter.organisation.name,
                "proxy": caster.pk != voter.pk,
                "url": vote_link(motion, voter, caster),
            }
        ]
        sent += _mail_links(motion, caster, links)
    return sent


# Casting ------------------------------------------------------------------------------


def _lock_motion_for_vote(motion_id: int) -> Motion | None:
    """Read the motion, share-locking it on PostgreSQL until the vote commits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Motion._meta.db_table} WHERE id = %s FOR SHARE", [motion_id]
            )
    return Motion.objects.select_related("assembly").filter(pk=motion_id).first()


def check_open(motion: Motion | None) -> Motion:
    """The motion if its vote is open now; raises VoteRefused saying why not."""
    if motion is None:
        raise VoteRefused(_("This voting link is not valid."), code="forged")
    if motion.status == Motion.Status.DRAFT:
        raise VoteRefused(_("This vote is not open yet."), code="not_open")
    if motion.status == Motion.Status.CLOSED:
        raise VoteRefused(
            _("This vote closed on %(when)s: no more ballots are accepted.")
            % {"when": timezone.localtime(motion.closed_at).strftime("%d/%m/%Y %H:%M")},
            code="closed",
        )
    return motion


def clean_answer(motion: Motion, choice: str = "", selection=None) -> tuple[str, list[int]]:
    """Check a ballot's content: a resolution's choice, or at most `seats` candidacies."""
    if motion.kind == Motion.Kind.RESOLUTION:
        if choice not in Choice.values:
            raise VoteRefused(_("Choose for, against or abstention."), code="invalid")
        return choice, []
    try:
        chosen = sorted({int(x) for x in (selection or [])})
    except (TypeError, ValueError) as exc:
        raise VoteRefused(_("This ballot is not valid."), code="invalid") from exc
    valid = set(motion.candidacies.values_list("pk", flat=True))
    if not set(chosen) <= valid:
        raise VoteRefused(_("This ballot names someone who is not a candidate."), code="invalid")
    if len(chosen) > motion.seats:
        raise VoteRefused(
            _("You may choose at most %(seats)s candidates (you chose %(count)s).")
            % {"seats": motion.seats, "count": len(chosen)},
            code="too_many",
        )
    return "", chosen


def check_claim(token: str):
    """The motion, voter and caster a link stands for, or `VoteRefused` saying why."""
    try:
        claim = read_vote_token(token)
    except LinkInvalid as exc:
        raise VoteRefused(
            _("This voting link is not valid (altered, incomplete or expired)."), code="forged"
        ) from exc
    voter = (
        Voter.objects.select_related("organisation", "assembly").filter(pk=claim.voter_id).first()
    )
    motion = Motion.objects.filter(pk=claim.motion_id).first()
    if voter is None or motion is None or motion.assembly_id != voter.assembly_id:
        raise VoteRefused(_("This voting link is not valid."), code="forged")
    if claim.nonce != voter.link_nonce:
        raise VoteRefused(
            _("This voting link has been replaced by a newer one: use the latest email."),
            code="replaced",
        )
    return claim, motion, voter


def check_voter(motion: Motion, voter: Voter, cast_by_id: int) -> Voter:
    """The organisation casting for `voter` (itself or its proxy holder) if it still may;
    raises VoteRefused otherwise. The ballot page asks it too, before showing the form."""
    # Good standing on the assembly's date: a membership cancelled since is refused too.
    on = timezone.localdate(motion.assembly.starts_at)
    if not voter.is_active or not electorate.in_good_standing(voter.organisation, on=on):
        raise VoteRefused(
            _("%(org)s is not a member in good standing: it cannot vote.")
            % {"org": voter.organisation},
            code="not_member",
        )
    caster = caster_of(voter)
    if caster.pk != cast_by_id:
        if caster.pk != voter.pk:
            message = _("%(org)s gave its proxy to %(holder)s: only the holder may cast this vote.")
        else:
            message = _("The proxy for %(org)s has been withdrawn: this link no longer works.")
        raise VoteRefused(
            message % {"org": voter.organisation, "holder": caster.organisation},
            code="proxy",
        )
    return caster


def already_voted(voter: Voter) -> VoteRefused:
    """The refusal a second vote for the same organisation gets (from the service or page)."""
    return VoteRefused(
        _("A vote has already been recorded for %(org)s on this question: each member votes once.")
        % {"org": voter.organisation},
        code="already",
    )


def cast_online(token: str, *, choice: str = "", selection=None) -> str:
    """Record one online vote from a signed link; returns the receipt code (shown once)."""
    claim, motion, voter = check_claim(token)
    if not motion.online:
        raise VoteRefused(_("This question is voted in the room, not online."), code="room_only")
    receipt = _new_receipt()
    try:
        with transaction.atomic():
            motion = check_open(_lock_motion_for_vote(motion.pk))
            caster = check_voter(motion, voter, claim.cast_by_id)
            choice, chosen = clean_answer(motion, choice, selection)
            Participation.objects.create(
                motion=motion, voter=voter, cast_by=caster, channel=Participation.Channel.ONLINE
            )
            Ballot.objects.create(
                motion=motion,
                weight=voter.weight,
                choice=choice,
                selection=chosen,
                receipt_hash=hash_receipt(receipt),
            )
            if connection.vendor != "postgresql":
                # SQLite: we now hold the write lock, so a close cannot commit meanwhile.
                check_open(Motion.objects.filter(pk=motion.pk).first())
    except IntegrityError as exc:
        raise already_voted(voter) from exc
    return receipt


def record_room_votes(motion: Motion, answers: dict, *, by=None) -> dict:
    """Record a show of hands: `answers` maps voter ids to a choice (for/against/abstain).

    Only organisations signed in (or whose proxy holder is signed in) vote in the room.
    Each vote goes in its own transaction, like an online one; refused ones are reported.
    """
    recorded, refused = 0, []
    for voter_id, choice in answers.items():
        if not choice:
            continue
        voter = (
            Voter.objects.select_related("organisation")
            .filter(pk=voter_id, assembly_id=motion.assembly_id)
            .first()
        )
        if voter is None:
            continue
        try:
            with transaction.atomic():
                locked = check_open(_lock_motion_for_vote(motion.pk))
                caster = check_voter(locked, voter, caster_of(voter).pk)
                if caster.present_at is None:
                    raise VoteRefused(
                        _("%(org)s is not signed in at the assembly.")
                        % {"org": caster.organisation},
                        code="absent",
                    )
                choice, chosen = clean_answer(locked, choice, None)
                Participation.objects.create(
                    motion=locked,
                    voter=voter,
                    cast_by=caster,
                    channel=Participation.Channel.ROOM,
                    recorded_by=by,
                )
                Ballot.objects.create(motion=locked, weight=voter.weight, choice=choice)
            recorded += 1
        except IntegrityError:
            refused.append(str(already_voted(voter).message))
        except VoteRefused as exc:
            refused.append(str(exc.message))
    return {"recorded": recorded, "refused": refused}


def ballot_counted(motion: Motion, code: str) -> bool:
    return (
        bool(code)
        and Ballot.objects.filter(motion=motion, receipt_hash=hash_receipt(code)).exists()
    )


# Agenda: motions and candidacies ------------------------------------------------------


@transaction.atomic
def add_motion(assembly: Assembly, **fields) -> Motion:
    if assembly.status == Assembly.Status.CLOSED:
        raise GovernanceError(_("This assembly is closed."))
    position = (
        assembly.motions.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    motion = Motion(assembly=assembly, position=position, **fields)
    motion.full_clean()
    motion.save()
    return motion


@transaction.atomic
def add_candidacy(
    motion: Motion, organisation, *, person=None, statement: str = "", outgoing: bool = False
) -> Candidacy:
    if not motion.is_election:
        raise GovernanceError(_("Candidacies are for elections only."))
    if motion.status != Motion.Status.DRAFT:
        raise GovernanceError(_("Candidacies are closed once the vote has opened."))
    if not motion.assembly.voters.filter(organisation=organisation, is_active=True).exists() and (
        not electorate.in_good_standing(
            organisation, on=timezone.localdate(motion.assembly.starts_at)
        )
    ):
        raise GovernanceError(
            _("%(org)s is not a member in good standing: it cannot stand.") % {"org": organisation}
        )
    try:
        with transaction.atomic():
            return Candidacy.objects.create(
                motion=motion,
                organisation=organisation,
                person=person,
                statement=statement.strip(),
                outgoing=outgoing,
            )
    except IntegrityError as exc:
        raise GovernanceError(_("%(org)s is already a candidate.") % {"org": organisation}) from exc
