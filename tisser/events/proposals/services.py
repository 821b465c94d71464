"""Writes of the shared agenda: a member organisation's representative proposes an event,
staff accept or reject it (with a reason), the proposer is told by email in the language
they proposed in; and anyone answers a call for proposals. Both forms are rate-limited per
client address (counted in the database, like the map's proposals)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _

from tisser.core import moderation
from tisser.core.html import sanitize_html
from tisser.directory.permissions import represented_organisations
from tisser.directory.proposals.services import (
    ProposalError,
    RateLimited,
    already_reviewed,
    one_at_a_time,
    retry_time_for,
)
from tisser.events.models import Event, Session
from tisser.events.models_proposals import CallForProposals, CallSubmission, EventProposal


def _lock_address(ip_hash: str) -> None:
    one_at_a_time("events:" + ip_hash)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "evenement"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def propose_event(
    *,
    user,
    organisation,
    data: dict,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    ip_hash: str,
    language: str = "",
) -> EventProposal:
    """Store a proposed event (status PROPOSED, not public) for moderation.

    Only a representative of `organisation` may propose for it; it is the organiser.
    `data` holds Event fields (title, kind, summary, description, venue_name, address,
    commune, online_url, external_registration_url).
    """
    if not represented_organisations(user).filter(pk=organisation.pk).exists():
        raise ProposalError(_("You can propose events only for an organisation you represent."))
    if ends_at < starts_at:
        raise ProposalError(_("The event cannot end before it starts."))
    now = timezone.now()
    with transaction.atomic():
        _lock_address(ip_hash)
        retry_at = retry_time_for(EventProposal.objects.filter(ip_hash=ip_hash), now=now)
        if retry_at is None:
            retry_at = retry_time_for(EventProposal.objects.filter(proposed_by=user), now=now)
        if retry_at:
            raise RateLimited(retry_at)
        event = Event(status=Event.Status.PROPOSED, slug=_unique_slug(data["title"]), **data)
        event.description = sanitize_html(event.description)
        event.save()
        event.organisers.add(organisation)
        Session.objects.create(event=event, starts_at=starts_at, ends_at=ends_at)
        proposal = EventProposal.objects.create(
            event=event,
            organisation=organisation,
            proposed_by=user,
            proposer_email=user.email,
            language=language or settings.LANGUAGE_CODE,
            ip_hash=ip_hash,
        )
    return proposal


def _decide(proposal_id: int, *, reviewer, apply) -> EventProposal:
    """The one moderation flow (`core.moderation`) for the agenda's proposals."""
    return moderation.decide(
        EventProposal.objects.select_related("event"),
        proposal_id,
        reviewer=reviewer,
        apply=apply,
        already_decided=already_reviewed,
    )


def accept_event_proposal(proposal_id: int, *, reviewer) -> EventProposal:
    """Publish the proposed event in the agenda and tell the proposer."""

    def apply(proposal: EventProposal) -> moderation.Notice:
        proposal.event.status = Event.Status.PUBLISHED
        proposal.event.save(update_fields=["status", "updated_at"])
        proposal.status = EventProposal.Status.ACCEPTED
        return _notice(
            proposal,
            template="events/emails/proposal_accepted",
            subject=format_lazy(
                _("Your event “{title}” is in the agenda"), title=proposal.event.title
            ),
            context={"event_url": settings.SITE_URL + proposal.event.get_absolute_url()},
        )

    return _decide(proposal_id, reviewer=reviewer, apply=apply)


def reject_event_proposal(proposal_id: int, *, reviewer, reason: str) -> EventProposal:
    """Keep the event out of the agenda; the reason is required and sent to the proposer."""
    reason = (reason or "").strip()
    if not reason:
        raise ProposalError(_("Give the reason for the rejection: it is sent to the proposer."))

    def apply(proposal: EventProposal) -> moderation.Notice:
        proposal.status = EventProposal.Status.REJECTED
        proposal.rejection_reason = reason
        return _notice(
            proposal,
            template="events/emails/proposal_rejected",
            subject=format_lazy(
                _("Your event “{title}” has not been accepted"), title=proposal.event.title
            ),
            context={"reason": reason},
        )

    return _decide(proposal_id, reviewer=reviewer, apply=apply)


def _notice(proposal: EventProposal, *, template: str, subject, context: dict):
    """In the proposer's language; replies go to the moderator who reviewed the proposal."""
    return moderation.Notice(
        to=proposal.proposer_email,
        language=proposal.language,
        subject=subject,
        template=template,
        context={"proposal": proposal, "title": proposal.event.title, **context},
        reply_to=getattr(proposal.reviewed_by, "email", ""),
    )


# --- calls for proposals -------------------------------------------------------------------


def call_is_open(call: CallForProposals, now=None) -> bool:
    now = now or timezone.now()
    return call.is_open and (call.closes_at is None or call.closes_at > now)


def submit_to_call(
    call: CallForProposals, *, data: dict, ip_hash: str, language: str = ""
) -> CallSubmission:
    """Store one answer to a call (name, email, organisation, theme, venue, message)."""
    if not call_is_open(call):
        raise ProposalError(_("This call for proposals is closed."))
    now = timezone.now()
    with transaction.atomic():
        _lock_address(ip_hash)
        if retry_at := retry_time_for(CallSubmission.objects.filter(ip_hash=ip_hash), now=now):
            raise RateLimited(retry_at)
        return CallSubmission.objects.create(
            call=call,
            ip_hash=ip_hash,
            language=language or settings.LANGUAGE_CODE,
            **data,
        )
