"""Writes of the cooperative map: submitting, accepting and rejecting proposals.

A proposal never touches an organisation until staff accept it; acceptance goes through
the directory services (`create_organisation` / `update_organisation`), which de-duplicate
and record an `OrganisationRevision` with the source PROPOSAL. The proposer is told by
email, in the language they proposed in, once the transaction has committed.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tisser.accounts import queries
from tisser.core import moderation
from tisser.core.mail import send_templated_mail
from tisser.directory.contacts import services
from tisser.directory.models import Consent, Organisation, OrganisationRevision
from tisser.directory.models_proposals import Proposal

RATE_WINDOW = timedelta(hours=1)


def proposals_per_hour() -> int:
    """How many proposals one client address may send in an hour (setting, default 5)."""
    return int(getattr(settings, "TISSER_PROPOSALS_PER_HOUR", 5))


class ProposalError(Exception):
    """A proposal cannot be taken or reviewed; the message is for the user."""


class RateLimited(ProposalError):
    """Too many proposals from one address; `retry_at` says when it may propose again."""

    def __init__(self, retry_at: datetime):
        super().__init__(f"rate limited until {retry_at.isoformat()}")
        self.retry_at = retry_at


def hash_client_address(address: str) -> str:
    """A salted hash of the client's IP address: enough to count, useless to identify."""
    return salted_hmac(
        "tisser.directory.proposals.ip", address or "", algorithm="sha256"
    ).hexdigest()


def retry_time(ip_hash: str, *, now: datetime | None = None) -> datetime | None:
    """When this address may propose again, or None if it may now."""
    return retry_time_for(Proposal.objects.filter(ip_hash=ip_hash), now=now)


def retry_time_for(recent_of_one_sender, *, now: datetime | None = None) -> datetime | None:
    """When the sender of these submissions (a queryset with `created_at`) may send again,
    or None if it may now: at most `proposals_per_hour()` in any hour.

    Counted in the database so that every web process sees the same figure; the agenda's
    proposals and calls for proposals use it too.
    """
    now = now or timezone.now()
    limit = proposals_per_hour()
    recent = recent_of_one_sender.filter(created_at__gt=now - RATE_WINDOW)
    count = recent.count()
    if count < limit:
        return None
    # The sender may send again when enough of its recent submissions have aged out.
    times = list(
        recent.order_by("created_at").values_list("created_at", flat=True)[: count - limit + 1]
    )
    return times[-1] + RATE_WINDOW


def one_at_a_time(key: str) -> None:
    """Count and insert without a race between simultaneous requests from one sender.

    SQLite already serialises writing transactions (BEGIN IMMEDIATE); PostgreSQL gets a
    transaction-scoped advisory lock keyed on `key` (e.g. the address hash).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def submit_proposal(
    *,
    kind: str,
    data: dict,
    proposer_name: str,
    proposer_email: str,
    ip_hash: str,
    organisation: Organisation | None = None,
    logo=None,
    contact_consent: bool = False,
    consent_wording: str = "",
    language: str = "",
    user=None,
) -> Proposal:
    """Store a proposal for moderation. Raises RateLimited when the address sent too many.

    `data` holds JSON values keyed by organisation field (commune as its INSEE code,
    categories as slugs); for a change, only the fields that differ.
    """
    if kind == Proposal.Kind.CHANGE and organisation is None:
        raise ProposalError(_("A change must name the actor it changes."))
    if kind == Proposal.Kind.CHANGE and not data and not logo:
        raise ProposalError(_("You have not changed anything."))
    with transaction.atomic():
        one_at_a_time(ip_hash)
        if retry_at := retry_time(ip_hash):
            raise RateLimited(retry_at)
        proposal = Proposal(
            kind=kind,
            organisation=organisation if kind == Proposal.Kind.CHANGE else None,
            data=data,
            proposer_name=proposer_name.strip(),
            proposer_email=proposer_email.strip().lower(),
            contact_consent=contact_consent,
            consent_wording=consent_wording if contact_consent else "",
            language=language or settings.LANGUAGE_CODE,
            submitted_by=user if getattr(user, "is_authenticated", False) else None,
            ip_hash=ip_hash,
        )
        if logo:
            proposal.logo = logo
        proposal.save()
        tell_staff_of_proposal(proposal)
    return proposal


def tell_staff_of_proposal(proposal: Proposal) -> None:
    """Email each staff member who opted in, in their language, once the proposal is saved.

    One email per recipient: each is rendered in that person's language, and nobody sees
    the other recipients' addresses.
    """
    recipients = list(queries.proposal_notification_recipients())
    if not recipients:
        return
    review_url = settings.SITE_URL + reverse(
        "directory:moderation_detail", kwargs={"pk": proposal.pk}
    )
    context = {
        "proposal": proposal,
        "name": proposal.display_name,
        "review_url": review_url,
        "queue_url": settings.SITE_URL + reverse("directory:moderation"),
        "profile_url": settings.SITE_URL + reverse("accounts:profile"),
        "pending": Proposal.objects.filter(status=Proposal.Status.PENDING).count(),
    }
    if proposal.kind == Proposal.Kind.CHANGE:
        subject = format_lazy(_("New proposal: a change to {name}"), name=proposal.display_name)
    else:
        subject = format_lazy(_("New proposal: {name}"), name=proposal.display_name)
    for user in recipients:
        send_templated_mail(
            to=[user.email],
            subject=subject,
            template="directory/emails/proposal_new",
            language=user.language or settings.LANGUAGE_CODE,
            context=context,
        )


def organisation_data(proposal: Proposal) -> dict:
    """The proposal's values as the directory services take them.

    Commune codes and category slugs are resolved (and checked again) by the services; the
    stored logo is handed over as an upload so that it is validated and copied like one.
    """
    data = dict(proposal.data)
    if proposal.logo:
        with proposal.logo.open("rb") as stored:
            content = stored.read()
        data["logo"] = SimpleUploadedFile(os.path.basename(proposal.logo.name), content)
    return data


def already_reviewed(proposal) -> ProposalError:
    """The error the moderator reads when a proposal (of the map or the agenda) no longer
    waits: someone else decided first, or it was deleted."""
    if proposal is None:
        return ProposalError(_("This proposal no longer exists."))
    return ProposalError(_("This proposal has already been reviewed."))


def _decide(proposal_id: int, *, reviewer, apply) -> Proposal:
    """The one moderation flow (`core.moderation`) for the map's proposals."""
    return moderation.decide(
        Proposal.objects.select_related("organisation"),
        proposal_id,
        reviewer=reviewer,
        apply=apply,
        already_decided=already_reviewed,
    )


def accept_proposal(proposal_id: int, *, reviewer, note: str = "") -> Organisation:
    """Apply the proposal through the directory services and tell the proposer.

    A new actor is created published; a change updates the actor. Either way the revision
    is recorded with the source PROPOSAL. If the proposer agreed to be contacted, they
    enter the contacts base with that consent.
    """

    def apply(proposal: Proposal) -> moderation.Notice:
        data = organisation_data(proposal)
        revision_note = str(
            _("Proposal #%(id)s by %(name)s")
            % {
                "id": proposal.pk,
                "name": proposal.proposer_name,
            }
        )
        if note.strip():
            revision_note = f"{revision_note} — {note.strip()}"
        revision_note = revision_note[:300]
        if proposal.kind == Proposal.Kind.NEW:
            data["status"] = Organisation.Status.PUBLISHED
            organisation = services.create_organisation(
                data,
                author=reviewer,
                source=OrganisationRevision.Source.PROPOSAL,
                note=revision_note,
            )
        else:
            organisation = proposal.organisation
            if organisation is None:
                raise ProposalError(_("The actor this change was about no longer exists."))
            organisation = services.update_organisation(
                organisation,
                data,
                author=reviewer,
                source=OrganisationRevision.Source.PROPOSAL,
                note=revision_note,
            )
        if proposal.contact_consent:
            first_name, _space, last_name = proposal.proposer_name.partition(" ")
            person, _created = services.find_or_create_person(
                email=proposal.proposer_email, first_name=first_name, last_name=last_name
            )
            services.record_consent(
                person,
                purpose=Consent.Purpose.CONTACT,
                method=Consent.Method.WEB_FORM,
                wording=proposal.consent_wording,
                source=f"proposal #{proposal.pk}",
                at=proposal.created_at,
            )
        proposal.status = Proposal.Status.ACCEPTED
        proposal.organisation = organisation
        return _notice(
            proposal,
            template="directory/emails/proposal_accepted",
            subject=format_lazy(
                _("Your proposal for {name} has been accepted"), name=organisation.name
            ),
            context={"actor_url": actor_url(organisation)},
        )

    return _decide(proposal_id, reviewer=reviewer, apply=apply).organisation


def reject_proposal(proposal_id: int, *, reviewer, reason: str) -> Proposal:
    """Close the proposal without applying it; the reason is required and sent to the proposer."""
    reason = (reason or "").strip()
    if not reason:
        raise ProposalError(_("Give the reason for the rejection: it is sent to the proposer."))

    def apply(proposal: Proposal) -> moderation.Notice:
        proposal.status = Proposal.Status.REJECTED
        proposal.rejection_reason = reason
        return _notice(
            proposal,
            template="directory/emails/proposal_rejected",
            subject=format_lazy(
                _("Your proposal for {name} has not been accepted"), name=proposal.display_name
            ),
            context={"reason": reason},
        )

    return _decide(proposal_id, reviewer=reviewer, apply=apply)


def actor_url(organisation: Organisation) -> str:
    """The absolute address of an actor's public page (empty if the page does not exist)."""
    for name in ("directory:organisation", "directory:actor", "directory:organisation_detail"):
        try:
            return settings.SITE_URL + reverse(name, kwargs={"slug": organisation.slug})
        except NoReverseMatch:
            continue
    return ""


def _notice(proposal: Proposal, *, template: str, subject, context: dict) -> moderation.Notice:
    """In the proposer's language; replies go to the moderator who reviewed the proposal."""
    return moderation.Notice(
        to=proposal.proposer_email,
        language=proposal.language,
        subject=subject,
        template=template,
        context={"proposal": proposal, "name": proposal.display_name, **context},
        reply_to=getattr(proposal.reviewed_by, "email", ""),
    )
