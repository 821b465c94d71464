"""Who came to the demo's events: the registrations, waiting lists and check-ins of past
events as the newsletters report them, and the first registrations of events to come.

People are the network's contacts (with the organisation they belong to) first, then
invented participants (`directory.demo.people`) when an event had more people than the
network has contacts — the 2025 Rencontre des Solidaires had 196 registered and 180
present whatever the demo's size. Each event starts at its own place in that list, so
the same few people are not at every event. A past event's registrations are written as
they stood after it (confirmed, waiting, present), then its counters are recounted; an
event to come is filled through the registration service, as people would have.
"""

from __future__ import annotations

import datetime as dt
import zlib

from django.utils import timezone

from tisser.directory.demo.people import invented_people
from tisser.directory.models import Person
from tisser.events.registration import rules, services
from tisser.events.staff import editing

from .models import Attendance, Event, Registration

PARTICIPANTS = "participants"  # the series of invented participants
POOL_SIZE = 240  # enough for the biggest event of the seeds (196 registered)


def people(count: int, start_at: str) -> list[tuple[Person, object]]:
    """`count` different (person, organisation or None), from a place that depends on
    `start_at` (an event's slug)."""
    contacts = list(
        Person.objects.exclude(email="")
        .filter(affiliations__isnull=False)
        .prefetch_related("affiliations__organisation")
        .order_by("pk")
        .distinct()
    )
    pool = [(p, p.affiliations.all()[0].organisation) for p in contacts]
    if len(pool) < POOL_SIZE:
        pool += [(p, None) for p in invented_people(PARTICIPANTS, POOL_SIZE - len(pool))]
    shift = zlib.crc32(start_at.encode()) % len(pool)
    ordered = pool[shift:] + pool[:shift]
    return ordered[: min(count, len(ordered))]


def populate(event: Event, spec: dict, today: dt.date) -> int:
    """Registrations of a newly created demo event; returns how many."""
    sessions = event.sessions_list
    if not sessions:
        return 0
    history = spec.get("history")
    if history and timezone.localtime(sessions[0].starts_at).date() < today:
        return _past(event, history)
    if history:  # a seed event still to come (the demo loaded before its date)
        if "sessions" in history:
            return sum(
                _register(event, confirmed + waiting, session_index=index)
                for index, (confirmed, waiting, _present) in enumerate(history["sessions"])
            )
        return _register(event, history["confirmed"] + history.get("waiting", 0))
    if count := spec.get("fill"):
        return _register(event, count)
    if fill := spec.get("fill_session"):
        return _register(event, fill[1], session_index=fill[0])
    return 0


def _past(event: Event, history: dict) -> int:
    sessions = event.sessions_list
    course = event.registration_mode == "course"
    if "sessions" in history:
        parts = [(sessions[i], *counts) for i, counts in enumerate(history["sessions"])]
    else:
        only = None if course else sessions[0]
        parts = [(only, history["confirmed"], history.get("waiting", 0), history["present"])]
    total = sum(confirmed + waiting for _s, confirmed, waiting, _p in parts)
    pool = iter(people(total, event.slug))
    registered_at = sessions[0].starts_at - dt.timedelta(days=21)
    done = 0
    for session, confirmed, waiting, present in parts:
        rows = []
        for index in range(confirmed + waiting):
            person, organisation = next(pool)
            rows.append(
                Registration(
                    event=event,
                    session=session,
                    person=person,
                    organisation=organisation,
                    status=Registration.Status.CONFIRMED
                    if index < confirmed
                    else Registration.Status.WAITLISTED,
                    language="fr",
                )
            )
        Registration.objects.bulk_create(rows)
        for index, row in enumerate(rows):  # in the order they came
            Registration.objects.filter(pk=row.pk).update(
                created_at=registered_at + dt.timedelta(minutes=37 * index)
            )
        attended = [s for s in sessions if session is None or s == session]
        Attendance.objects.bulk_create(
            Attendance(
                registration=row,
                session=s,
                person_id=row.person_id,
                attended=True,
                checked_at=s.starts_at + dt.timedelta(minutes=index % 45),
            )
            for index, row in enumerate(rows[:present])
            for s in attended
        )
        done += len(rows)
    editing.recount_places(event)
    return done


def _register(event: Event, count: int, session_index: int | None = None) -> int:
    """Register `count` people through the registration service (the waiting list takes
    whoever comes once the event is full)."""
    sessions = event.sessions_list
    done = 0
    for n, (person, organisation) in enumerate(people(count, event.slug)):
        workshops = []
        for item in event.programme.filter(choose_workshop=True):
            options = list(item.workshops.all())
            workshops.append(options[n % len(options)])
        answers = {q.pk: q.choice_list[0] for q in event.questions.all() if q.choice_list}
        answers.update(
            {q.pk: "Projet de démonstration" for q in event.questions.filter(kind="text")}
        )
        choices = rules.Choices(
            session=sessions[session_index] if session_index is not None else None,
            workshops=workshops,
            answers=answers,
        )
        try:
            services.register(
                event,
                rules.Registrant(
                    email=person.email, first_name=person.first_name, last_name=person.last_name
                ),
                organisation=rules.OrganisationInfo(organisation=organisation)
                if organisation is not None
                else None,
                choices=choices,
                notify=False,
                language="fr",
            )
            done += 1
        except rules.RegistrationError:
            continue
    return done
