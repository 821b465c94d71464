"""Changes to a registration: cancelled by the registrant or, for a place offered and not
confirmed in time, by the clock; date, workshops or answers changed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.events import webhooks
from tisser.events.models import Registration, Session, Workshop
from tisser.events.registration.notices import notify_registration
from tisser.events.registration.places import chosen_workshops, release_places, take_places_partial
from tisser.events.registration.rules import (
    AlreadyRegistered,
    Choices,
    EventFull,
    RegistrationClosed,
    RegistrationError,
    Status,
    already_registered_message,
    existing_registration,
    registration_problem,
    validate_choices,
)
from tisser.events.registration.services import save_choices
from tisser.events.registration.waiting_list import fill_from_waitlist


def cancel_registration(registration: Registration, *, now=None, notify: bool = True) -> list:
    """Cancel (idempotent), free the places and offer them to the waiting list.

    Returns the registrations promoted as a result.
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event", "session", "person")
            .get(pk=registration.pk)
        )
        if registration.status == Status.CANCELLED:
            return []
        held = registration.holds_place
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.confirm_by = None
        registration.save(update_fields=["status", "cancelled_at", "confirm_by", "updated_at"])
        webhooks.registration_event("registration.cancelled", registration)
        promoted = []
        if held:
            release_places(registration)
            promoted = fill_from_waitlist(registration.event, now=now)
        if notify:
            notify_registration(registration, "cancelled")
    return promoted


def expire_promotions(*, now=None) -> int:
    """Places offered and not confirmed in time go to the next person waiting."""
    now = now or timezone.now()
    expired = Registration.objects.filter(status=Status.PROMOTED, confirm_by__lt=now)
    count = 0
    for registration in expired:
        cancel_registration(registration, now=now, notify=False)
        notify_registration(registration, "promotion_expired")
        count += 1
    return count


def change_registration(registration: Registration, choices: Choices, *, now=None) -> Registration:
    """Change date, workshops or answers: the new places are taken before the old ones are
    freed, so a change never loses the place held; if the new date or workshop is full,
    nothing changes."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event", "session")
            .get(pk=registration.pk)
        )
        event = registration.event
        if registration.status == Status.CANCELLED:
            raise RegistrationError(_("This registration is cancelled."))
        problem = registration_problem(event, now)
        if problem:
            raise RegistrationClosed(problem)
        session = validate_choices(event, choices, now)
        if session is not None and session.pk != registration.session_id:
            clash = existing_registration(event, session, registration.person)
            if clash:
                raise AlreadyRegistered(already_registered_message(clash), registration=clash)
        old_workshops = {w.pk for w in chosen_workshops(registration)}
        new_workshops = {w.pk for w in choices.workshops}
        if registration.holds_place:
            new_sessions = (
                [session] if session is not None and session.pk != registration.session_id else []
            )
            added = [w for w in choices.workshops if w.pk not in old_workshops]
            if not take_places_partial(new_sessions, added):
                raise EventFull(_("The new date or workshop is full: nothing was changed."))
            if new_sessions and registration.session_id:
                Session.objects.filter(pk=registration.session_id, taken__gt=0).update(
                    taken=F("taken") - 1
                )
            for pk in sorted(old_workshops - new_workshops):
                Workshop.objects.filter(pk=pk, taken__gt=0).update(taken=F("taken") - 1)
        registration.session = session
        registration.save(update_fields=["session", "updated_at"])
        registration.workshop_choices.all().delete()
        registration.answers.all().delete()
        save_choices(registration, choices)
        notify_registration(registration, "changed")
    if registration.holds_place:
        fill_from_waitlist(event, now=now)
    return registration
