"""A person's data on request (GDPR): export it as JSON, or erase it.

Each app adds its part of both through `engagement` (its `export` and `erase`).
Erasure anonymises rather than deletes: rows of other apps (memberships, registrations,
votes…) keep pointing to the same person, so counts and totals stay right, but nothing
left on the row or on the linked account identifies anyone.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tisser.directory import engagement
from tisser.directory.models import Affiliation, Person, PersonEvent
from tisser.directory.models_proposals import Proposal


def _when(value):
    return value.isoformat() if value else None


def person_data(person: Person) -> dict:
    """Everything Tisser holds about this person, as JSON-ready values: the contacts
    base's part, then each app's (registrations, memberships, subscriptions…) through
    `engagement`."""
    data = _directory_data(person)
    data.update(engagement.export(person))
    return data


def _directory_data(person: Person) -> dict:
    user = person.user
    return {
        "person": {
            "id": person.pk,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "created_at": _when(person.created_at),
            "updated_at": _when(person.updated_at),
            "erased_at": _when(person.erased_at),
        },
        "account": (
            {
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "language": user.language,
                "staff_role": user.staff_role,
                "date_joined": _when(user.date_joined),
                "last_login": _when(user.last_login),
            }
            if user
            else None
        ),
        "affiliations": [
            {
                "organisation": affiliation.organisation.name,
                "organisation_slug": affiliation.organisation.slug,
                "role": affiliation.role,
                "is_representative": affiliation.is_representative,
                "status": affiliation.status,
                "asks_to_represent": affiliation.claims_representation,
                "established_through": affiliation.source,
                "claimed_at": _when(affiliation.claimed_at),
                "claimed_from": affiliation.claim_email,
                "claimed_through": affiliation.claim_detail,
                "reviewed_at": _when(affiliation.reviewed_at),
                "since": _when(affiliation.created_at),
            }
            for affiliation in person.affiliations.select_related("organisation").order_by("pk")
        ],
        "consents": [
            {
                "purpose": consent.purpose,
                "given": consent.given,
                "at": _when(consent.at),
                "method": consent.method,
                "wording": consent.wording,
                "source": consent.source,
            }
            for consent in person.consents.order_by("at", "pk")
        ],
        "proposals": [
            {
                "id": proposal.pk,
                "kind": proposal.kind,
                "status": proposal.status,
                "actor": proposal.display_name,
                "proposer_name": proposal.proposer_name,
                "at": _when(proposal.created_at),
            }
            for proposal in _proposals_of(person).order_by("created_at", "pk")
        ],
        "history": [
            {
                "action": event.action,
                "at": _when(event.at),
                "by": str(event.author) if event.author_id else None,
            }
            for event in person.events.select_related("author").order_by("at", "pk")
        ],
    }


def _proposals_of(person: Person):
    """The map proposals this person sent: by their address, or from their account."""
    query = Proposal.objects.none()
    if person.email:
        query = Proposal.objects.filter(proposer_email__iexact=person.email)
    if person.user_id:
        query = query | Proposal.objects.filter(submitted_by_id=person.user_id)
    return query.select_related("organisation")


def export_person(person: Person, *, actor) -> dict:
    """The person's data, and a history entry saying who exported it and when."""
    with transaction.atomic():
        PersonEvent.objects.create(person=person, author=actor, action=PersonEvent.Action.EXPORTED)
        return person_data(person)


def erase_person(person_id: int, *, actor) -> Person:
    """Anonymise the person and their account; keep the row, its links and an entry
    "erased on … by …". Erasing twice changes nothing more."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person_id)
        if person.erased_at:
            return person
        # Each app first erases what it holds (answers, deliveries' copies of the name…),
        # while the address that finds some of it is still there.
        engagement.erase(person)
        # Their proposals stay (the moderation history), without who sent them.
        Proposal.objects.filter(pk__in=[p.pk for p in _proposals_of(person)]).update(
            proposer_name="", proposer_email="", submitted_by=None, contact_consent=False
        )
        person.first_name = person.last_name = person.email = person.phone = ""
        person.erased_at = timezone.now()
        person.save(
            update_fields=["first_name", "last_name", "email", "phone", "erased_at", "updated_at"]
        )
        # An affiliation keeps the organisation (for counts) but no role text nor the
        # evidence of a claim, and an erased person represents nobody (nor asks to).
        person.affiliations.update(
            role="",
            is_representative=False,
            claims_representation=False,
            claim_email="",
            claim_detail="",
            claim_nonce="",
        )
        person.affiliations.filter(status=Affiliation.Status.CLAIMED).update(
            status=Affiliation.Status.REFUSED
        )
        # Consents stay as the record of what was agreed, without the free text that
        # could name the person.
        person.consents.update(source="")
        # A merge's history entry keeps what moved, not the name the duplicate had.
        for event in person.events.filter(action=PersonEvent.Action.MERGED):
            event.detail = {k: v for k, v in (event.detail or {}).items() if k != "merged_name"}
            event.save(update_fields=["detail"])
        if person.user_id:
            _erase_account(person.user_id)
        PersonEvent.objects.create(person=person, author=actor, action=PersonEvent.Action.ERASED)
    return person


def _erase_account(user_id: int) -> None:
    """No more login: the address, names and password go; the row stays for its links."""
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user_id)
    user.email = f"erased-{user.pk}@erased.invalid"
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.staff_role = ""
    user.is_staff = user.is_superuser = False
    user.notify_new_proposals = None
    user.save()


def own_data(user) -> dict | None:
    """For the user's own "download my data": their contact record, if they have one."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        return None
    data = person_data(person)
    data.pop("account")  # the accounts app gives that part itself
    return data
