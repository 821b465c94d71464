"""The demo agenda (`manage.py load_demo_events`): the events of the two newsletters at
their real dates, and events to come dated from today.

- `EVENTS` (`demo_seeds.py`): every event the Infolettre of June 2025 and the one of 28 May 2026 announce,
  with what they say — programme times, venues, partners, places, eligibility — on the
  dates they print. Past ones carry their history (`demo_history.py`): the 2025 Rencontre
  des Solidaires with its 180 checked-in participants, the Journée Démocratie alimentaire
  full at 150 with its waiting list, the parcours with its participants…
- `UPCOMING` (`demo_upcoming.py`): the live agenda, dated from the day of the first load,
  so a newcomer can register; a call for proposals ("Vos propositions de thème et de lieu
  sont les bienvenues !") on the next Rencontre.

Idempotent by slug: an event already there is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tisser.directory.models import Organisation
from tisser.events import demo_history
from tisser.events.staff import editing
from tisser.territories.models import Commune

from .demo_seeds import EVENTS, KIT_TEXT
from .demo_upcoming import CALL, UPCOMING
from .models import (
    Event,
    EventAttachment,
    EventKind,
    ProgrammeItem,
    Question,
    Registration,
    Session,
    Workshop,
)
from .models_proposals import CallForProposals

KINDS = [
    ("rencontre", "Rencontre"),
    ("matinale", "Matinale"),
    ("atelier", "Atelier"),
    ("formation", "Formation / parcours"),
    ("fresque", "Fresque"),
    ("convivial", "Moment convivial"),
    ("journee-thematique", "Journée thématique"),
    ("visite", "Visite"),
    ("webinaire", "Webinaire"),
    ("conference", "Conférence"),
]


def _day(day, today: dt.date) -> dt.date:
    return day if isinstance(day, dt.date) else today + dt.timedelta(days=day)


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _commune(code):
    return Commune.objects.filter(pk=code).first() if code else None


def ensure_kinds() -> dict[str, EventKind]:
    kinds = {}
    for position, (slug, name) in enumerate(KINDS):
        kind, _created = EventKind.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
        kinds[slug] = kind
    return kinds


def _create(spec: dict, kinds: dict, today: dt.date) -> Event:
    event = Event(
        slug=spec["slug"],
        title=spec["title"],
        kind=kinds[spec["kind"]],
        summary=spec.get("summary", ""),
        description=spec.get("description", ""),
        venue_name=spec.get("venue_name", ""),
        address=spec.get("address", ""),
        commune=_commune(spec.get("commune")),
        country=spec.get("country", "FR"),
        organiser_name=spec.get("organiser_name", ""),
        accessibility=spec.get("accessibility", ""),
        online_url=spec.get("online_url", ""),
        external_registration_url=spec.get("external", ""),
        registration_mode=spec.get("registration_mode", "session"),
        reserved_for=spec.get("reserved_for", ""),
        members_only=spec.get("members_only", False),
        min_participants=spec.get("min_participants"),
        max_participants=spec.get("max_participants"),
    )
    if closes := spec.get("closes_on"):
        event.registration_closes_at = _at(_day(closes, today), "23:59")
    editing.save_event(event, notify=False)
    event.organisers.set(Organisation.objects.filter(slug__in=spec.get("organisers", [])))
    event.partners.set(Organisation.objects.filter(slug__in=spec.get("partners", [])))
    for day, start, end, extra in spec["sessions"]:
        extra = dict(extra)
        span = extra.pop("days", 0)
        first = _day(day, today)
        Session.objects.create(
            event=event,
            starts_at=_at(first, start),
            ends_at=_at(first + dt.timedelta(days=span), end),
            title=extra.get("title", ""),
            venue_name=extra.get("venue_name", ""),
            address=extra.get("address", ""),
            commune=_commune(extra.get("commune")),
            capacity=extra.get("capacity"),
        )
    for start, end, title, workshops in spec.get("programme", []):
        item = ProgrammeItem.objects.create(
            event=event,
            starts_at=dt.time(*(int(p) for p in start.split(":"))),
            ends_at=dt.time(*(int(p) for p in end.split(":"))) if end else None,
            title=title,
            choose_workshop=bool(workshops),
        )
        for position, (name, capacity) in enumerate(workshops):
            Workshop.objects.create(item=item, title=name, capacity=capacity, position=position)
    for position, (text, kind, choices, required) in enumerate(spec.get("questions", [])):
        Question.objects.create(
            event=event,
            text=text,
            kind=kind,
            choices=choices,
            required=required,
            position=position,
        )
    if spec.get("kit"):
        attachment = EventAttachment(event=event, title="Kit de communication")
        attachment.file.save("kit-communication-rencontre.txt", ContentFile(KIT_TEXT.encode()))
    return event


def _call_for_proposals() -> bool:
    event = Event.objects.filter(slug=CALL["event"]).first()
    if event is None or CallForProposals.objects.filter(slug=CALL["slug"]).exists():
        return False
    CallForProposals.objects.create(
        slug=CALL["slug"], title=CALL["title"], text=CALL["text"], event=event
    )
    return True


def load_demo_events(today: dt.date | None = None) -> dict:
    """Create the events that are not there yet, with their history or their first
    registrations; returns what was added."""
    today = today or timezone.localdate()
    created = []
    registrations = 0
    with transaction.atomic():
        kinds = ensure_kinds()
        for spec in [*EVENTS, *UPCOMING]:
            if Event.objects.filter(slug=spec["slug"]).exists():
                continue
            event = _create(spec, kinds, today)
            created.append(event.slug)
            registrations += demo_history.populate(event, spec, today)
        call = _call_for_proposals()
    return {
        "events": created,
        "call": call,
        "registrations": registrations,
        "total": Event.objects.count(),
        "live": Registration.objects.exclude(status="cancelled").count(),
    }


def seed_events() -> dict[str, Event]:
    """The newsletters' events, by slug (loading them first if needed)."""
    slugs = [spec["slug"] for spec in EVENTS]
    if Event.objects.filter(slug__in=slugs).count() != len(slugs):
        load_demo_events()
    return {e.slug: e for e in Event.objects.filter(slug__in=slugs)}
