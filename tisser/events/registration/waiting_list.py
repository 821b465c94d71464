"""The waiting list: places offered first come first served, confirmed or expired."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.events import webhooks
from tisser.events.models import Event, Registration, Session
from tisser.events.registration.notices import notify_registration
from tisser.events.registration.places import chosen_workshops, counted_sessions, take_places
from tisser.events.registration.rules import RegistrationClosed, RegistrationError, Status

# How many people on the waiting list one freed place is offered to, at most, before
# giving up (the others want a workshop that is still full).
PROMOTION_SCAN = 200


def fill_from_waitlist(event: Event, *, now=None, limit: int | None = None) -> list:
    """Offer free places to the waiting list, first come first served; a person waiting
    for a workshop that is still full is passed over, not dropped."""
    now = now or timezone.now()
    event = Event.objects.get(pk=event.pk)
    if event.status != Event.Status.PUBLISHED:
        return []
    promoted = []
    waiting = (
        Registration.objects.filter(event=event, status=Status.WAITLISTED)
        .select_related("session")
        .order_by("created_at", "pk")[:PROMOTION_SCAN]
    )
    for candidate in waiting:
        if limit is not None and len(promoted) >= limit:
            break
        if candidate.session_id and candidate.session.ends_at <= now:
            continue
        sessions = counted_sessions(event, candidate.session)
        if not take_places(event, sessions, chosen_workshops(candidate)):
            if _event_or_sessions_full(event, candidate.session):
                if candidate.session_id is None:
                    break
                continue
            continue
        candidate.promoted_at = now
        if event.promotion_hours:
            candidate.status = Status.PROMOTED
            candidate.confirm_by = now + dt.timedelta(hours=event.promotion_hours)
        else:
            candidate.status = Status.CONFIRMED
        candidate.save(update_fields=["status", "promoted_at", "confirm_by", "updated_at"])
        webhooks.registration_event("registration.promoted", candidate)
        notify_registration(candidate, "promoted")
        promoted.append(candidate)
    return promoted


def _event_or_sessions_full(event: Event, session: Session | None) -> bool:
    event.refresh_from_db(fields=["taken"])
    if event.max_participants is not None and event.taken >= event.max_participants:
        return True
    sessions = [session] if session is not None else list(event.sessions.all())
    return any(s.capacity is not None and s.taken >= s.capacity for s in sessions)


def confirm_promotion(registration: Registration, *, now=None) -> Registration:
    """The promoted person accepts the place offered, before the deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CONFIRMED:
            return registration
        if registration.status != Status.PROMOTED:
            raise RegistrationError(_("No place is waiting for your confirmation."))
        if registration.confirm_by and registration.confirm_by < now:
            raise RegistrationClosed(_("The time to confirm this place has passed."))
        registration.status = Status.CONFIRMED
        registration.confirm_by = None
        registration.save(update_fields=["status", "confirm_by", "updated_at"])
        notify_registration(registration, "confirmed")
    return registration
