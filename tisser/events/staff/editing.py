"""Staff edits of events: saving an event (description sanitised, registrants told of a
change), cancelling it, recounting places, checking people in. Public through `services`."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tisser.core.html import sanitize_html
from tisser.events.models import Event, Registration, Session, Workshop
from tisser.events.queries import registration_data_changed

Status = Registration.Status


def _notify(registration, kind):
    from tisser.events.registration.notices import notify_registration as notify

    notify(registration, kind)


def save_event(event: Event, *, changed_fields=None, notify: bool = True) -> Event:
    """Save an event edited by staff: description sanitised; registrants told when what
    they signed up for (dates, place, link) changed."""
    event.description = sanitize_html(event.description)
    with transaction.atomic():
        event.save()
        if notify and changed_fields and set(changed_fields) & NOTIFIED_FIELDS:
            notify_event_changed(event)
    return event


NOTIFIED_FIELDS = {"venue_name", "address", "commune", "online_url", "accessibility", "title"}


def notify_event_changed(event: Event) -> int:
    """Tell every live registrant that the event changed (date, place, link…)."""
    registrations = list(Registration.objects.filter(event=event).exclude(status=Status.CANCELLED))
    for registration in registrations:
        _notify(registration, "event_changed")
    return len(registrations)


def cancel_event(event: Event) -> int | None:
    """Cancel the event and tell every live registrant; places are left as they were.

    Returns how many were told, or None when the event was already cancelled (a second
    click, a replay): nobody is told twice."""
    with transaction.atomic():
        changed = (
            Event.objects.filter(pk=event.pk)
            .exclude(status=Event.Status.CANCELLED)
            .update(status=Event.Status.CANCELLED, updated_at=timezone.now())
        )
        event.status = Event.Status.CANCELLED
        if not changed:
            return None
        registration_data_changed()  # an update sends no signal
        registrations = list(
            Registration.objects.filter(event=event).exclude(status=Status.CANCELLED)
        )
        for registration in registrations:
            _notify(registration, "event_cancelled")
    return len(registrations)


def recount_places(event: Event) -> None:
    """Recompute the counters from the registrations (after a staff correction)."""
    with transaction.atomic():
        live = Registration.objects.filter(event=event, status__in=Registration.HOLDS_PLACE)
        Event.objects.filter(pk=event.pk).update(taken=live.count())
        for session in event.sessions.all():
            count = live.filter(Q(session=session) | Q(session__isnull=True)).count()
            Session.objects.filter(pk=session.pk).update(taken=count)
        for workshop in Workshop.objects.filter(item__event=event):
            count = live.filter(workshop_choices__workshop=workshop).count()
            Workshop.objects.filter(pk=workshop.pk).update(taken=count)


def mark_attendance(registration: Registration, session: Session, attended: bool = True):
    """Check a registrant in (or out) for one session."""
    from tisser.events.models import Attendance

    attendance, _created = Attendance.objects.update_or_create(
        registration=registration,
        session=session,
        defaults={
            "attended": attended,
            "checked_at": timezone.now() if attended else None,
            "person_id": registration.person_id,
        },
    )
    from tisser.events.webhooks import attendance_recorded

    attendance_recorded(attendance)
    return attendance


class StillRegistered(Exception):
    """A session or workshop with live registrations cannot be deleted."""


def _sync_workshops(item, wanted: list[tuple[str, int | None]]) -> None:
    """Keep workshops by title (their registrants with them), add new ones, delete the
    ones no longer listed unless someone chose them."""
    existing = {w.title: w for w in item.workshops.all()}
    for position, (title, capacity) in enumerate(wanted):
        workshop = existing.pop(title, None)
        if workshop is None:
            Workshop.objects.create(item=item, title=title, capacity=capacity, position=position)
            continue
        if capacity is not None and capacity < workshop.taken:
            raise StillRegistered(title)
        Workshop.objects.filter(pk=workshop.pk).update(capacity=capacity, position=position)
        registration_data_changed()  # an update sends no signal
    for workshop in existing.values():
        if workshop.choices.exists():
            raise StillRegistered(workshop.title)
        workshop.delete()


@transaction.atomic
def save_event_forms(form, sessions, programme, questions) -> Event:
    """Save the staff's event form and its formsets in one transaction; registrants are
    told when dates or place changed, and freed or added places go to the waiting list."""
    from tisser.events.registration.waiting_list import fill_from_waitlist

    creating = form.instance.pk is None
    event = form.save(commit=False)
    save_event(event, changed_fields=None if creating else form.changed_data)
    form.save_m2m()
    for formset in (sessions, programme, questions):
        formset.instance = event
    for deleted in sessions.deleted_forms:
        session = deleted.instance
        if session.pk and session.registrations.exclude(status=Status.CANCELLED).exists():
            raise StillRegistered(str(session))
    sessions.save()
    items = programme.save(commit=False)
    for item in programme.deleted_objects:
        if Workshop.objects.filter(item=item, choices__isnull=False).exists():
            raise StillRegistered(item.title)
        item.delete()
    for item in items:
        item.event = event
        item.save()
    for item_form in programme.forms:
        if item_form in programme.deleted_forms or not item_form.instance.pk:
            continue
        if "workshops_text" in item_form.cleaned_data:
            _sync_workshops(item_form.instance, item_form.cleaned_data["workshops_text"])
    questions.save()
    if not creating:
        dates_changed = any(
            f.has_changed() and f.changed_data != ["capacity"] for f in sessions.forms
        )
        if dates_changed and not set(form.changed_data) & NOTIFIED_FIELDS:
            notify_event_changed(event)
        fill_from_waitlist(event)
    return event


def save_kind(form):
    """Save a kind of event from the staff form."""
    return form.save()
