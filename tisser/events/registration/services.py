"""Registering: one person, or several colleagues at once, and a claim kept on refusal."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tisser.core.upsert import new_instance
from tisser.directory.contacts import services as directory
from tisser.events import webhooks
from tisser.events.models import Answer, Event, Registration
from tisser.events.registration.notices import notice_after_commit
from tisser.events.registration.places import (
    counted_sessions,
    insert_choices,
    place_counters,
    take_place_and_insert,
)
from tisser.events.registration.rules import (
    AlreadyRegistered,
    Choices,
    EventFull,
    NotEligible,
    OrganisationInfo,
    Registrant,
    RegistrationClosed,
    Status,
    Unconfirmed,
    already_registered_message,
    claim_link,
    door_problem,
    eligibility_problem,
    existing_registration,
    membership_claim,
    organisation_for,
    person_and_organisation,
    price_of,
    registration_problem,
    unconfirmed_message,
    validate_choices,
)


def register(
    event: Event,
    registrant: Registrant,
    *,
    organisation: OrganisationInfo | None = None,
    choices: Choices | None = None,
    registered_by=None,
    language: str | None = None,
    now=None,
    notify: bool = True,
    at_door: bool = False,
) -> Registration:
    """Register one person: a place if there is one, else the waiting list (if the event
    has one), else EventFull. Raises RegistrationError subclasses and ValidationError with
    messages for the person; in that case nothing is saved.

    `at_door`: staff let in someone who walks in; the registration dates, the required
    choices and the waiting list do not apply (a full event refuses)."""
    now = now or timezone.now()
    choices = choices or Choices()
    with transaction.atomic():
        problem = door_problem(event) if at_door else registration_problem(event, now)
        if problem:
            raise RegistrationClosed(problem)
        session = validate_choices(event, choices, now, at_door=at_door)
        person, org = person_and_organisation(registrant, organisation, event)
        if not person.email:
            raise ValidationError({"email": _("An email address is required.")})
        problem = eligibility_problem(event, org)
        if problem:
            raise NotEligible(problem)
        # No look-up for an earlier registration here: the partial unique constraints
        # refuse a second one (caught below), which also holds under concurrency.
        # Naming an organisation only claims a link to it; member prices and members-only
        # events follow a confirmed link (never a name typed in a form).
        # When the link's confirmation changes nothing (an open event at one price), the
        # claim is written with the registration (one statement on PostgreSQL).
        claim = membership_claim(person, org, event, language) if org is not None else None
        confirmed = False
        if claim is not None and (
            event.members_only or price_of(event, org) != price_of(event, None)
        ):
            confirmed = claim.write().is_verified
            claim = None
        if event.members_only and not confirmed:
            raise Unconfirmed(unconfirmed_message(org))
        tier, price, payment = price_of(event, org if confirmed else None)
        registration = new_instance(
            Registration,
            event=event,
            session=session,
            person=person,
            organisation=org,
            registered_by=registered_by,
            status=Status.CONFIRMED,
            tier=tier,
            price=price,
            payment_status=payment,
            language=language or translation.get_language() or "",
        )
        if notify:
            notice_after_commit(registration, "confirmed")  # "waitlisted" if it comes to that
        # Last, so that the counters' row locks are held for as short a time as possible.
        # The partial unique constraints refuse a second live registration: the insert
        # then writes nothing (no savepoint, no IntegrityError), and raising below rolls
        # back the place just taken.
        took, inserted, claimed = take_place_and_insert(
            registration,
            place_counters(event, counted_sessions(event, session), choices.workshops),
            choices.workshops,
            answers_of(choices),
            if_full=Status.WAITLISTED if event.waitlist_enabled and not at_door else None,
            along=(claim.affiliation, claim.upsert) if claim else None,
        )
        if not inserted:
            existing = existing_registration(event, session, person)
            if existing:
                raise AlreadyRegistered(already_registered_message(existing), registration=existing)
            if not took:
                raise EventFull(_("This event is full."))
            raise AlreadyRegistered(
                _("You are already registered for this event."), registration=None
            )
        if claim is not None:
            claim.settle(claimed)
        webhooks.registration_event("registration.created", registration)
    return registration


def keep_claim(
    event: Event, registrant: Registrant, organisation: OrganisationInfo, language=None
) -> None:
    """After an `Unconfirmed` refusal (which saved nothing), still record the claim, so
    that the representative or staff can confirm it and the person register then."""
    with transaction.atomic():
        org = organisation_for(organisation, event)
        if org is None or not (registrant.email or "").strip():
            return
        person, _created = directory.find_or_create_person(
            email=registrant.email,
            first_name=registrant.first_name,
            last_name=registrant.last_name,
            phone=registrant.phone,
        )
        claim_link(person, org, event, language)


def save_choices(registration: Registration, choices: Choices) -> None:
    """The workshops chosen and the answers given, each kind in one INSERT (none when
    there are none)."""
    insert_choices(registration, choices.workshops, answers_of(choices))


def answers_of(choices: Choices) -> list[Answer]:
    """The answers given, as rows still to be tied to their registration."""
    return [
        new_instance(Answer, question_id=pk, value=(value or "").strip()[:5000])
        for pk, value in choices.answers.items()
        if (value or "").strip()
    ]


def register_colleagues(
    event: Event,
    registrar: Registrant,
    colleagues: list[Registrant],
    *,
    organisation: OrganisationInfo,
    choices: Choices | None = None,
    language: str | None = None,
    now=None,
) -> list[Registration]:
    """One person registers several colleagues of one organisation, all or none.

    The colleague who is the registrar too is registered like the others; each colleague
    gets their own email; `registered_by` records who did it.
    """
    if not colleagues:
        raise ValidationError(_("Give at least one person to register."))
    emails = [c.email.strip().lower() for c in colleagues]
    if len(set(emails)) != len(emails):
        raise ValidationError(_("The same email address is given twice."))
    with transaction.atomic():
        by, _created = directory.find_or_create_person(
            email=registrar.email, first_name=registrar.first_name, last_name=registrar.last_name
        )
        org = organisation_for(organisation, event)
        info = OrganisationInfo(organisation=org)
        return [
            register(
                event,
                colleague,
                organisation=info,
                choices=choices,
                registered_by=by,
                language=language,
                now=now,
            )
            for colleague in colleagues
        ]
