"""Writes of the assemblies: register of voters, convocation, attendance and proxies.

The ballots themselves are in `services_ballot.py`, their close and count in
`services_count.py`; working groups in `services_groups.py`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tisser.core.mail import send_templated_mail
from tisser.directory.models import Affiliation

from . import electorate
from .models import AgendaItem, Assembly, Proxy, Voter


class GovernanceError(ValidationError):
    """A refused action, with a message in the user's language."""


def _unique_slug(title: str, starts_at) -> str:
    base = slugify(f"{title}-{starts_at:%Y}")[:200] or "assemblee"
    slug, n = base, 2
    while Assembly.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_assembly(
    *, title: str, starts_at, agenda: list[str] | None = None, **fields
) -> Assembly:
    assembly = Assembly.objects.create(
        title=title,
        slug=fields.pop("slug", None) or _unique_slug(title, starts_at),
        starts_at=starts_at,
        **fields,
    )
    for position, item in enumerate(agenda or [], start=1):
        AgendaItem.objects.create(assembly=assembly, position=position, title=item)
    return assembly


@transaction.atomic
def update_assembly(assembly: Assembly, **fields) -> Assembly:
    """Change the given fields only (a stale instance never reverts the status)."""
    assembly.refresh_from_db()
    for name, value in fields.items():
        setattr(assembly, name, value)
    assembly.full_clean()
    assembly.save(update_fields=list(fields))
    return assembly


def add_agenda_item(assembly: Assembly, title: str, description: str = "") -> AgendaItem:
    position = (
        assembly.agenda.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    return AgendaItem.objects.create(
        assembly=assembly, position=position, title=title, description=description
    )


@transaction.atomic
def draw_up_register(assembly: Assembly) -> dict:
    """(Re)draw the register from the memberships on the assembly's date.

    New members in good standing are added with their college's weight; voters no longer
    in good standing are kept, switched off (the history of who could vote stays).
    """
    on = timezone.localdate(assembly.starts_at)
    eligible = {org.pk: org for org in electorate.eligible_organisations(on=on)}
    existing = {v.organisation_id: v for v in assembly.voters.select_for_update()}
    added = updated = removed = 0
    for org_id, org in eligible.items():
        weight, college = electorate.vote_weight(org, on=on)
        voter = existing.get(org_id)
        if voter is None:
            Voter.objects.create(
                assembly=assembly,
                organisation=org,
                weight=weight,
                college=college,
                link_nonce=secrets.token_hex(8),
            )
            added += 1
        elif (voter.weight, voter.college, voter.is_active) != (weight, college, True):
            voter.weight, voter.college, voter.is_active = weight, college, True
            voter.save(update_fields=["weight", "college", "is_active"])
            updated += 1
    for org_id, voter in existing.items():
        if org_id not in eligible and voter.is_active:
            voter.is_active = False
            voter.save(update_fields=["is_active"])
            removed += 1
    assembly.register_built_at = timezone.now()
    assembly.save(update_fields=["register_built_at"])
    return {"added": added, "updated": updated, "removed": removed, "total": len(eligible)}


def organisation_recipients(org) -> list[tuple[str, str]]:
    """(email, language) of the organisation's verified representatives, and nobody else:
    convocations and voting links never go to a claimed representative, nor to a public
    address anyone may read (staff see who has none: `queries.electorate`)."""
    rows = (
        Affiliation.objects.representatives()
        .filter(organisation=org)
        .exclude(person__email="")
        .select_related("person__user")
        .order_by("pk")
    )
    found = []
    for aff in rows:
        user = aff.person.user
        found.append((aff.person.email, (user.language if user else "") or settings.LANGUAGE_CODE))
    return found


def in_language(language: str, message: str, **values) -> str:
    """A message translated in the recipient's language (not the sender's)."""
    with translation.override(language):
        return _(message) % values


def site_url(path: str) -> str:
    """The absolute address of a page, for links in emails."""
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def convene(assembly: Assembly, *, by=None, notify: bool = True) -> int:
    """Send the convocation to every voter's representatives (task queue, after commit).

    `notify=False` marks the assembly convened without email (the demo, a paper convocation).
    """
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if assembly.status == Assembly.Status.CLOSED:
        raise GovernanceError(_("This assembly is closed."))
    if assembly.register_built_at is None:
        draw_up_register(assembly)
    agenda = [item.title for item in assembly.agenda.all()]
    page = site_url(reverse("governance:assembly", args=[assembly.slug]))
    sent = 0
    voters = assembly.voters.filter(is_active=True).select_related("organisation")
    for voter in voters if notify else []:
        for address, language in organisation_recipients(voter.organisation):
            send_templated_mail(
                to=[address],
                subject=in_language(
                    language, gettext_noop("Convocation: %(title)s"), title=assembly.title
                ),
                template="governance/emails/convocation",
                context={
                    "assembly": assembly,
                    "organisation": voter.organisation.name,
                    "agenda": agenda,
                    "page_url": page,
                    "weight": voter.weight,
                    "max_proxies": assembly.max_proxies,
                },
                language=language,
            )
            sent += 1
    assembly.status = Assembly.Status.CONVENED
    assembly.convened_at = timezone.now()
    assembly.save(update_fields=["status", "convened_at"])
    return sent


def _open_voter(assembly: Assembly, voter: Voter) -> Voter:
    if voter.assembly_id != assembly.pk:
        raise GovernanceError(_("This organisation is not on the register of this assembly."))
    if not voter.is_active:
        raise GovernanceError(
            _("%(org)s is no longer a member in good standing: it cannot take part in the vote.")
            % {"org": voter.organisation}
        )
    return voter


def voter_for(assembly: Assembly, org) -> Voter | None:
    return assembly.voters.filter(organisation=org).select_related("organisation").first()


@transaction.atomic
def register_attendance(voter: Voter, attending: bool = True) -> Voter:
    """A representative says the organisation will attend (or no longer will)."""
    voter = Voter.objects.select_for_update().select_related("organisation").get(pk=voter.pk)
    _open_voter(voter.assembly, voter)
    voter.registered_at = timezone.now() if attending else None
    voter.save(update_fields=["registered_at"])
    return voter


@transaction.atomic
def sign_in(voter: Voter, present: bool = True) -> Voter:
    """Staff sign an organisation in (or out) at the door: live attendance and quorum."""
    voter = Voter.objects.select_for_update().select_related("organisation").get(pk=voter.pk)
    voter.present_at = timezone.now() if present else None
    voter.save(update_fields=["present_at"])
    return voter


@transaction.atomic
def give_proxy(giver: Voter, holder: Voter, *, by=None) -> Proxy:
    """The giver's vote is cast by the holder, within the statutes' maximum per holder.

    The holder's row is locked, so two proxies given at once cannot both pass the maximum.
    """
    assembly = Assembly.objects.get(pk=giver.assembly_id)
    if assembly.status == Assembly.Status.CLOSED:
        raise GovernanceError(_("This assembly is closed."))
    locked = {
        v.pk: v
        for v in Voter.objects.select_for_update()
        .select_related("organisation")
        .filter(pk__in=[giver.pk, holder.pk])
        .order_by("pk")
    }
    giver, holder = locked[giver.pk], locked.get(holder.pk)
    if holder is None or holder.assembly_id != assembly.pk:
        raise GovernanceError(_("The proxy holder must be on the register of the same assembly."))
    _open_voter(assembly, giver)
    _open_voter(assembly, holder)
    if giver.pk == holder.pk:
        raise GovernanceError(_("An organisation cannot give its proxy to itself."))
    if Proxy.objects.filter(giver=giver).exists():
        raise GovernanceError(
            _("%(org)s has already given its proxy; withdraw it first.")
            % {"org": giver.organisation}
        )
    if Proxy.objects.filter(holder=giver).exists():
        raise GovernanceError(
            _("%(org)s holds proxies of other members, so it cannot give its own.")
            % {"org": giver.organisation}
        )
    if Proxy.objects.filter(giver=holder).exists():
        raise GovernanceError(
            _("%(org)s has given its own proxy, so it cannot hold one.")
            % {"org": holder.organisation}
        )
    held = Proxy.objects.filter(holder=holder).count()
    if held >= assembly.max_proxies:
        raise GovernanceError(
            _(
                "%(org)s already holds %(count)s proxies, the maximum the statutes allow: "
                "choose another holder."
            )
            % {"org": holder.organisation, "count": held}
        )
    try:
        with transaction.atomic():
            return Proxy.objects.create(
                assembly=assembly, giver=giver, holder=holder, created_by=by
            )
    except IntegrityError as exc:
        raise GovernanceError(
            _("%(org)s has already given its proxy; withdraw it first.")
            % {"org": giver.organisation}
        ) from exc


@transaction.atomic
def withdraw_proxy(giver: Voter) -> bool:
    return Proxy.objects.filter(giver=giver).delete()[0] > 0
