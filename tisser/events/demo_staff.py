"""Demo data of the staff side, on top of the demo agenda (`demo.py`): the 2nd Rencontre
des Solidaires, 12 June 2025 at Louvre-Lens Vallée, as a past edition with its
registrations and the actors who came, 180 of 196 as in the seed when the demo network
has that many contacts, the same proportion otherwise (so the statistics have a real year), and the
seeds' call “Vos propositions de thème et de lieu sont les bienvenues !” on the next
Rencontre. Idempotent by slug."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tisser.directory.models import Organisation, Person
from tisser.territories.models import Commune

from . import services
from .models import Attendance, Event, Registration
from .models_proposals import CallForProposals
from .services_staff import duplicate_event

PAST_SLUG = "rencontre-des-solidaires-2025"
CALL_SLUG = "rencontre-des-solidaires-vos-propositions"
PAST_DAY = dt.date(2025, 6, 12)
REGISTERED, ATTENDED = 196, 180


def _past_edition(rencontre: Event) -> Event | None:
    if Event.objects.filter(slug=PAST_SLUG).exists():
        return None
    past = duplicate_event(rencontre, PAST_DAY, title="Rencontre des Solidaires 2025")
    past.slug = PAST_SLUG
    past.status = Event.Status.PUBLISHED
    past.summary = "Nos démocraties désirables : la 2ᵉ édition, à Louvre-Lens Vallée."
    past.venue_name = "Louvre-Lens Vallée"
    past.commune = Commune.objects.filter(code="62498").first() or rencontre.commune
    past.registration_opens_at = past.registration_closes_at = None
    past.save()
    past.partners.add(*Organisation.objects.filter(slug="louvre-lens-vallee"))
    session = past.sessions_list[0]
    people = (
        Person.objects.exclude(email="")
        .filter(affiliations__isnull=False)
        .prefetch_related("affiliations__organisation")
        .order_by("-pk")
        .distinct()[:REGISTERED]
    )
    created = timezone.make_aware(
        dt.datetime.combine(PAST_DAY - dt.timedelta(days=20), dt.time(10))
    )
    registrations = [
        Registration(
            event=past,
            person=person,
            organisation=person.affiliations.all()[0].organisation,
            status=Registration.Status.CONFIRMED,
            language="fr",
        )
        for person in people
    ]
    Registration.objects.bulk_create(registrations)
    Registration.objects.filter(event=past).update(created_at=created)
    Attendance.objects.bulk_create(
        Attendance(registration=r, session=session, attended=True, checked_at=session.starts_at)
        for r in registrations[: round(len(registrations) * ATTENDED / REGISTERED)]
    )
    services.recount_places(past)
    return past


def load_demo_events_staff() -> dict:
    with transaction.atomic():
        rencontre = Event.objects.filter(slug="rencontre-des-solidaires").first()
        if rencontre is None:
            return {"missing": True}
        past = _past_edition(rencontre)
        call, call_created = CallForProposals.objects.get_or_create(
            slug=CALL_SLUG,
            defaults={
                "title": "Rencontre des Solidaires : vos propositions de thème et de lieu",
                "text": "Rendez-vous l'année prochaine ! Vos propositions de thème et de lieu "
                "sont les bienvenues : dites-nous ce que vous aimeriez débattre, et où "
                "vous aimeriez nous accueillir.",
                "event": rencontre,
            },
        )
    return {"missing": False, "past": past, "call_created": call_created, "call": call}
