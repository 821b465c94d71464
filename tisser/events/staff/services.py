"""The staff's writes on registrations and events: moving someone in from the waiting
list, recording a payment, checking in, duplicating an event. Places move through the
same conditional counters as the registration service (`services.py`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tisser.events.models import (
    Attendance,
    Event,
    EventAttachment,
    Question,
    Registration,
    Session,
    Workshop,
)
from tisser.events.registration import notices, places, rules, services
from tisser.events.staff import editing

Status = Registration.Status


def promote_registration(registration: Registration, *, now=None) -> Registration:
    """Move one person from the waiting list into a place, ahead of the queue (staff's
    choice), and send them the confirmation. Refused when the places are all taken."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event", "session")
            .get(pk=registration.pk)
        )
        if registration.status != Status.WAITLISTED:
            raise rules.RegistrationError(_("This person is not on the waiting list."))
        event = registration.event
        sessions = places.counted_sessions(event, registration.session)
        if not places.take_places(event, sessions, places.chosen_workshops(registration)):
            raise rules.EventFull(
                _("No place is free (event, date or chosen workshop full): nobody was moved.")
            )
        registration.status = Status.CONFIRMED
        registration.promoted_at = now
        registration.confirm_by = None
        registration.save(update_fields=["status", "promoted_at", "confirm_by", "updated_at"])
        notices.notify_registration(registration, "confirmed")
    return registration


def record_payment(registration: Registration, payment_status: str) -> Registration:
    """Record that a registrant paid (or was refunded, or owes again)."""
    if payment_status not in Registration.Payment.values:
        raise rules.RegistrationError(_("Unknown payment status."))
    Registration.objects.filter(pk=registration.pk).update(
        payment_status=payment_status, updated_at=timezone.now()
    )
    registration.payment_status = payment_status
    return registration


def check_in(registration: Registration, session: Session, attended: bool = True) -> Attendance:
    """Mark a registrant present (or absent) at one of their sessions; only a confirmed
    place can be checked in."""
    if attended and not registration.holds_place:
        raise rules.RegistrationError(_("This registration is not confirmed."))
    if session.pk not in {s.pk for s in registration.sessions}:
        raise rules.RegistrationError(_("This registration is not for that session."))
    return editing.mark_attendance(registration, session, attended=attended)


def register_walk_in(
    event: Event,
    session: Session,
    registrant: rules.Registrant,
    *,
    organisation_name: str = "",
    language: str | None = None,
) -> tuple[Registration, bool]:
    """Someone who walks in at the door: registered through the registration service
    (found or created in the contacts base; the organisation they name is only what they
    say, linked the way the public form links it) and checked in at once.

    Returns (registration, new). Someone already registered is checked in (a second tap,
    a replayed form do nothing more). Raises RegistrationError when the event is full or
    closed, ValidationError for a bad address."""
    organisation = None
    if organisation_name.strip():
        organisation = rules.OrganisationInfo(name=organisation_name.strip())
    choices = rules.Choices(session=session if session.event_id == event.pk else None)
    with transaction.atomic():
        try:
            registration = services.register(
                event,
                registrant,
                organisation=organisation,
                choices=choices,
                language=language,
                at_door=True,
            )
            new = True
        except rules.AlreadyRegistered as already:
            registration = already.registration
            if registration is None or not registration.holds_place:
                raise
            new = False
        check_in(registration, session)
    return registration, new


def check_in_many(event: Event, session: Session, registration_ids: list[int]) -> int:
    """Check in the ticked registrations of `event` for `session`, in one transaction;
    those that hold no place or are not for that session are left as they are.
    Returns how many are now present."""
    done = 0
    with transaction.atomic():
        rows = Registration.objects.filter(event=event, pk__in=registration_ids).select_related(
            "session", "event"
        )
        for registration in rows:
            try:
                check_in(registration, session)
            except rules.RegistrationError:
                continue
            done += 1
    return done


def _unique_slug(title: str, day: dt.date) -> str:
    base = slugify(f"{title} {day:%Y}")[:200] or "evenement"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def duplicate_event(event: Event, first_day: dt.date, *, title: str = "") -> Event:
    """A copy of the event whose first session falls on `first_day`, every session (and
    the registration dates) shifted by the same number of days; programme, workshops,
    questions, organisers, partners, eligibility and attachments copied; no registration.

    The copy is not public (status PROPOSED) until staff publish it.
    """
    sessions = list(event.sessions.order_by("starts_at", "pk"))
    if sessions:
        start = timezone.localtime(sessions[0].starts_at).date()
        shift = dt.timedelta(days=(first_day - start).days)
    else:
        shift = dt.timedelta(0)

    def moved(value):
        return value + shift if value is not None else None

    with transaction.atomic():
        copy = Event.objects.get(pk=event.pk)
        copy.pk = None
        copy.id = None
        copy.title = title.strip() or event.title
        copy.slug = _unique_slug(copy.title, first_day)
        copy.status = Event.Status.PROPOSED
        copy.taken = 0
        copy.registration_opens_at = moved(event.registration_opens_at)
        copy.registration_closes_at = moved(event.registration_closes_at)
        copy._state.adding = True
        copy.save()
        copy.organisers.set(event.organisers.all())
        copy.partners.set(event.partners.all())
        copy.eligible_categories.set(event.eligible_categories.all())
        session_map = {}
        for session in sessions:
            old_pk = session.pk
            session.pk = None
            session.id = None
            session._state.adding = True
            session.event = copy
            session.starts_at = moved(session.starts_at)
            session.ends_at = moved(session.ends_at)
            session.taken = 0
            session.save()
            session_map[old_pk] = session
        for item in event.programme.prefetch_related("workshops").order_by("starts_at", "pk"):
            workshops = list(item.workshops.all())
            old_session = item.session_id
            item.pk = None
            item.id = None
            item._state.adding = True
            item.event = copy
            item.session = session_map.get(old_session)
            item.save()
            Workshop.objects.bulk_create(
                Workshop(
                    item=item,
                    title=w.title,
                    description=w.description,
                    capacity=w.capacity,
                    position=w.position,
                )
                for w in workshops
            )
        Question.objects.bulk_create(
            Question(
                event=copy,
                text=q.text,
                kind=q.kind,
                choices=q.choices,
                required=q.required,
                position=q.position,
            )
            for q in event.questions.all()
        )
        EventAttachment.objects.bulk_create(
            EventAttachment(event=copy, title=a.title, file=a.file.name, position=a.position)
            for a in event.attachments.all()
        )
    return copy
