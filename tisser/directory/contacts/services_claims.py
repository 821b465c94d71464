"""The life cycle of a claim to belong to, or to represent, an organisation.

A public form, a payment, an event registration or an import *claims* a link (`claim`);
only staff (`accept(..., by=user)`) or a verified representative of the same organisation
(the signed link emailed to them, `accept_by_link`) make it verified, and a claim never
becomes verified by itself. Every decision goes through the one moderation flow
(`core.moderation`), like proposals: lock the pending row, check it is still pending,
record the reviewer and when, tell the person in their language once the transaction has
committed.

Emailed links are signed (`django.core.signing`) over the claim, the deciding
representative's link, the decision and the claim's nonce; they expire after
`TISSER_CLAIM_LINK_DAYS` days. A link is effectively single use: once the claim is
decided, or claimed again (a new nonce), it only says so and changes nothing.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tisser.core import moderation
from tisser.core.mail import send_templated_mail
from tisser.core.upsert import from_row, insert_returning, mark_saved, new_instance
from tisser.directory.models import Affiliation, Organisation, Person

LINK_SALT = "tisser.directory.claim-decision"
ACCEPT, REFUSE = "accept", "refuse"
Status = Affiliation.Status


class ClaimError(ValidationError):
    """A claim or a decision that is refused, with a message for the person."""


class AlreadyDecided(ClaimError):
    """The claim is no longer pending (decided, or claimed again since the link was sent)."""

    def __init__(self, message, affiliation: Affiliation | None = None):
        super().__init__(message, code="decided")
        self.affiliation = affiliation


class LinkInvalid(Exception):
    """A decision link that was altered, never issued here, or has expired."""

    def __init__(self, *, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def link_days() -> int:
    return int(getattr(settings, "TISSER_CLAIM_LINK_DAYS", 14))


def emails_per_day() -> int:
    """How many claims on one organisation are emailed to its representatives in 24 hours;
    beyond, they wait on the staff page only (a stranger cannot flood an inbox)."""
    return int(getattr(settings, "TISSER_CLAIM_EMAILS_PER_DAY", 5))


# --- claiming ------------------------------------------------------------------------


def _check_open(org: Organisation) -> None:
    if org.status == Organisation.Status.ARCHIVED:
        raise ClaimError(
            _(
                "“%(org)s” is archived in the network's directory: nobody can ask to join or "
                "represent it online. Contact the network's team."
            )
            % {"org": org.name},
            code="archived",
        )


def claim(
    person: Person,
    org: Organisation,
    *,
    source: str,
    representative: bool = False,
    role: str = "",
    detail: str = "",
    email: str = "",
    language: str = "",
    notify: bool = True,
) -> Affiliation:
    """Record that `person` says they belong to (or represent) `org`; gives no right.

    New claims, and a verified link now asking to represent, wait for a decision: they
    are emailed to the organisation's verified representatives (`notify`), else they wait
    on the staff page. A pending claim asked again is left as it is (no second email); a
    refused one stays refused; a verified representative stays one. Raises `ClaimError`
    for an archived organisation.

    An organisation read with `has_representatives` (`find_duplicate(...,
    with_representatives=True)`) that has none skips looking for someone to email.
    """
    if not representative:
        statement = MembershipClaim(
            person,
            org,
            source=source,
            role=role,
            detail=detail,
            email=email,
            language=language,
            notify=notify,
        )
        return statement.write()
    _check_open(org)
    with transaction.atomic():
        affiliation, created = _claim_representation(
            person,
            org,
            source,
            (role or "").strip()[:100],
            _evidence(person, True, detail, email, language),
        )
    if created and notify and getattr(org, "has_representatives", True):
        _ask_representatives(affiliation)
    return affiliation


def _evidence(person, representative: bool, detail: str, email: str, language: str) -> dict:
    return {
        "claims_representation": representative,
        "claimed_at": timezone.now(),
        "claim_email": (email or person.email or "")[:254],
        "claim_detail": (detail or "")[:200],
        "claim_language": (language or translation.get_language() or "")[:8],
        "claim_nonce": secrets.token_hex(8),
    }


class MembershipClaim:
    """A claim to belong (the hot path of a registration rush): one upsert, no savepoint.
    A new claim is created pending; an existing link stays as it is, except that a
    pending claim without a role takes the one given now.

    Written by `claim`, or inside another statement (a registration's, on PostgreSQL):
    `core.upsert.upsert_sql(self.affiliation, **self.upsert)` gives its SQL; `settle`
    reads the row it returned and asks the representatives about a new claim. Raises
    `ClaimError` for an archived organisation."""

    COLUMNS = ("id", "status", "role", "is_representative", "claims_representation", "claim_nonce")
    _table = Affiliation._meta.db_table
    CONFLICT = (
        f'("person_id", "organisation_id") DO UPDATE SET "role" = CASE WHEN '
        f'{_table}."status" = %s AND {_table}."role" = \'\' THEN excluded."role" '
        f'ELSE {_table}."role" END'
    )

    def __init__(
        self, person, org, *, source, role="", detail="", email="", language="", notify=True
    ):
        _check_open(org)
        self.person, self.org, self.notify = person, org, notify
        self.evidence = _evidence(person, False, detail, email, language)
        self.affiliation = new_instance(
            Affiliation,
            person=person,
            organisation=org,
            status=Status.CLAIMED,
            source=source,
            role=(role or "").strip()[:100],
            **self.evidence,
        )
        self.upsert = {
            "conflict": self.CONFLICT,
            "params": [Status.CLAIMED],
            "returning": self.COLUMNS,
        }

    def write(self) -> Affiliation:
        """The claim in a statement of its own."""
        return self.settle(insert_returning(self.affiliation, **self.upsert))

    def settle(self, row: tuple) -> Affiliation:
        """The affiliation the upsert left (`row`: its returned columns)."""
        person, org = self.person, self.org
        if row[5] == self.evidence["claim_nonce"]:
            mark_saved(self.affiliation, row, self.COLUMNS)
            if self.notify and getattr(org, "has_representatives", True):
                _ask_representatives(self.affiliation)
            return self.affiliation
        found = from_row(
            Affiliation,
            self.affiliation._state.db,
            {
                "person_id": person.pk,
                "organisation_id": org.pk,
                **dict(zip(self.COLUMNS, row, strict=True)),
            },
        )
        found.person, found.organisation = person, org
        return found


def _claim_representation(person, org, source, role, evidence) -> tuple[Affiliation, bool]:
    affiliation, created = Affiliation.objects.select_for_update().get_or_create(
        person=person,
        organisation=org,
        defaults={"status": Status.CLAIMED, "source": source, "role": role, **evidence},
    )
    if created:
        return affiliation, True
    if affiliation.status == Status.REFUSED or affiliation.is_representative:
        return affiliation, False
    if affiliation.status == Status.CLAIMED and role and not affiliation.role:
        affiliation.role = role
        affiliation.save(update_fields=["role"])
    if affiliation.claims_representation:
        return affiliation, False  # already asked (or asks no more than before): no new email
    # A claim that widens (to represent): new evidence, new links, the old ones die.
    if affiliation.status == Status.CLAIMED:
        affiliation.source = source
    for field, value in evidence.items():
        setattr(affiliation, field, value)
    affiliation.save()
    return affiliation, True


def _reviewers(affiliation: Affiliation):
    """The verified representatives who may decide (never the claimant themself)."""
    return (
        Affiliation.objects.representatives()
        .filter(organisation_id=affiliation.organisation_id)
        .exclude(person_id=affiliation.person_id)
        .exclude(person__email="")
        .exclude(person__erased_at__isnull=False)
        .select_related("person__user")
        .order_by("pk")
    )


def _ask_representatives(affiliation: Affiliation) -> int:
    reviewers = list(_reviewers(affiliation))
    if not reviewers:
        return 0  # only staff can decide: the requests page
    since = timezone.now() - datetime.timedelta(days=1)
    recent = Affiliation.objects.filter(
        organisation_id=affiliation.organisation_id, claimed_at__gte=since
    ).exclude(pk=affiliation.pk)
    if recent.count() >= emails_per_day():
        return 0
    sent = 0
    for reviewer in reviewers:
        user = reviewer.person.user
        language = (user.language if user else "") or settings.LANGUAGE_CODE
        if affiliation.claims_representation:
            subject = gettext_noop("%(person)s asks to represent %(org)s")
        else:
            subject = gettext_noop("%(person)s says they belong to %(org)s")
        with translation.override(language):
            subject = _(subject) % {
                "person": claimant_name(affiliation),
                "org": affiliation.organisation.name,
            }
        send_templated_mail(
            to=[reviewer.person.email],
            subject=subject,
            template="directory/emails/claim_new",
            language=language,
            context={
                "claim": affiliation,
                "claimant": claimant_name(affiliation),
                "reviewer": reviewer.person,
                "accept_url": decision_url(affiliation, reviewer, ACCEPT),
                "refuse_url": decision_url(affiliation, reviewer, REFUSE),
                "days": link_days(),
            },
        )
        sent += 1
    return sent


def claimant_name(affiliation: Affiliation) -> str:
    person = affiliation.person
    return str(person) or affiliation.claim_email


# --- deciding ------------------------------------------------------------------------


def _already_decided(affiliation: Affiliation | None) -> AlreadyDecided:
    if affiliation is None:
        return AlreadyDecided(_("This request no longer exists."))
    return AlreadyDecided(_("This request has already been decided."), affiliation)


def _decide(affiliation_id: int, accepted: bool, *, by=None, link=None) -> Affiliation:
    """The one moderation flow (`core.moderation`) for claims: staff decide (`by`), or the
    representative a signed `link` was sent to, while that link's claim is still the one
    pending (same nonce) and they still represent the organisation."""

    def is_pending(affiliation: Affiliation) -> bool:
        return affiliation.is_pending and (link is None or link.nonce == affiliation.claim_nonce)

    def apply(affiliation: Affiliation) -> moderation.Notice | None:
        reviewer = link_reviewer(link, affiliation) if link is not None else None
        if reviewer is not None:
            user = reviewer.person.user
            affiliation.reviewed_by = user if getattr(user, "is_authenticated", False) else None
        affiliation.reviewed_by_person = reviewer.person if reviewer is not None else None
        if accepted:
            _check_open(affiliation.organisation)
            if affiliation.claims_representation:
                affiliation.is_representative = True
            affiliation.status = Status.VERIFIED
        elif affiliation.status == Status.CLAIMED:
            affiliation.status = Status.REFUSED
        affiliation.claims_representation = False
        affiliation.claim_nonce = ""
        return _claimant_notice(affiliation, accepted)

    return moderation.decide(
        Affiliation.objects.select_related("person__user", "organisation"),
        affiliation_id,
        reviewer=by,
        apply=apply,
        already_decided=_already_decided,
        is_pending=is_pending,
    )


def accept(affiliation_id: int, *, by) -> Affiliation:
    """Staff confirm a claim: the link is verified (and representative if asked)."""
    return _decide(affiliation_id, True, by=by)


def refuse(affiliation_id: int, *, by) -> Affiliation:
    """Staff refuse a claim: it gives nothing, and the same claim is not emailed again."""
    return _decide(affiliation_id, False, by=by)


def _claimant_notice(affiliation: Affiliation, accepted: bool) -> moderation.Notice | None:
    """What the claimant reads, in the language they claimed in (else their account's)."""
    address = affiliation.claim_email or affiliation.person.email
    if not address or affiliation.person.erased_at:
        return None
    user = affiliation.person.user
    language = (
        affiliation.claim_language or (user.language if user else "") or settings.LANGUAGE_CODE
    )
    org = affiliation.organisation.name
    with translation.override(language):
        if accepted and affiliation.is_representative:
            subject = _("You now represent %(org)s") % {"org": org}
            lines = [
                _(
                    "Your request to represent %(org)s is confirmed. You can now edit its "
                    "entry, renew its membership, receive its convocations and vote for it."
                )
                % {"org": org},
                _("Log in with this email address to use these rights."),
            ]
        elif accepted:
            subject = _("Your link to %(org)s is confirmed") % {"org": org}
            lines = [
                _(
                    "Your link to %(org)s is confirmed: member prices and resources are "
                    "open to you when it is a member of the network."
                )
                % {"org": org}
            ]
        else:
            subject = _("Your request about %(org)s was not confirmed") % {"org": org}
            lines = [
                _("Your request about %(org)s was not confirmed.") % {"org": org},
                _("If you think this is a mistake, answer this email or contact the team."),
            ]
        heading = _("Hello %(name)s,") % {"name": str(affiliation.person)}
    return moderation.Notice(
        to=address,
        language=language,
        subject=subject,
        template="core/email/notice",
        context={"heading": heading, "lines": lines},
    )


# --- links for the representatives -----------------------------------------------------


@dataclass(frozen=True)
class DecisionLink:
    affiliation_id: int
    reviewer_id: int
    decision: str
    nonce: str


def decision_token(affiliation: Affiliation, reviewer: Affiliation, decision: str) -> str:
    return signing.dumps(
        {"a": affiliation.pk, "r": reviewer.pk, "d": decision, "n": affiliation.claim_nonce},
        salt=LINK_SALT,
        compress=True,
    )


def decision_url(affiliation: Affiliation, reviewer: Affiliation, decision: str) -> str:
    token = decision_token(affiliation, reviewer, decision)
    return settings.SITE_URL.rstrip("/") + reverse("directory:claim_decision", args=[token])


def read_decision_token(token: str) -> DecisionLink:
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=link_days() * 86400)
    except signing.SignatureExpired as exc:
        raise LinkInvalid(expired=True) from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    if not isinstance(data, dict) or data.get("d") not in (ACCEPT, REFUSE):
        raise LinkInvalid
    try:
        return DecisionLink(int(data["a"]), int(data["r"]), data["d"], str(data["n"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkInvalid from exc


def link_reviewer(link: DecisionLink, affiliation: Affiliation) -> Affiliation:
    """The representative the link was sent to, if they still represent the organisation."""
    reviewer = (
        Affiliation.objects.representatives()
        .select_related("person")
        .filter(pk=link.reviewer_id, organisation_id=affiliation.organisation_id)
        .exclude(person_id=affiliation.person_id)
        .first()
    )
    if reviewer is None:
        raise ClaimError(
            _("Only a representative of %(org)s can decide on this request.")
            % {"org": affiliation.organisation.name},
            code="not_representative",
        )
    return reviewer


def decide_by_link(token: str) -> Affiliation:
    """Apply the decision a representative's link names; raises LinkInvalid, AlreadyDecided
    or ClaimError (they no longer represent the organisation), changing nothing."""
    link = read_decision_token(token)
    return _decide(link.affiliation_id, link.decision == ACCEPT, link=link)
