"""Territories, organisations and a small agenda shared by the events tests."""

import datetime as dt

import pytest
from django.utils import timezone

from tisser.directory.contacts.services import create_organisation
from tisser.directory.models import Category
from tisser.events.models import Event, EventKind, ProgrammeItem, Session, Workshop
from tisser.territories.models import Commune, Departement, Region

# (code, name, département, postcodes)
COMMUNES = [
    ("59350", "Lille", "59", "59000,59800"),
    ("62498", "Lens", "62", "62300"),
    ("62041", "Arras", "62", "62000"),
]


@pytest.fixture(autouse=True)
def _no_agenda_cache(settings):
    """Tests change places and reload the agenda at once: no per-process cache."""
    settings.TISSER_AGENDA_CACHE_SECONDS = 0


@pytest.fixture
def communes(db):
    region = Region.objects.create(code="32", name="Hauts-de-France", search_name="hauts de france")
    deps = {
        code: Departement.objects.create(
            code=code, name=name, region=region, search_name=name.lower()
        )
        for code, name in [("59", "Nord"), ("62", "Pas-de-Calais")]
    }
    return {
        name.lower(): Commune.objects.create(
            code=code,
            name=name,
            search_name=name.lower(),
            departement=deps[dep],
            region=region,
            postcodes=postcodes,
        )
        for code, name, dep, postcodes in COMMUNES
    }


@pytest.fixture
def kinds(db):
    return {
        slug: EventKind.objects.create(name=name, slug=slug, position=i)
        for i, (slug, name) in enumerate(
            [
                ("rencontre", "Rencontre"),
                ("fresque", "Fresque"),
                ("formation", "Formation"),
                ("matinale", "Matinale"),
            ]
        )
    }


def at(days, hour=9, minute=0):
    """A local datetime `days` from today at hour:minute."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def rencontre(kinds, communes):
    """The Rencontre des Solidaires: one day in Lille, 150 places, three parallel workshops."""
    event = Event.objects.create(
        title="Rencontre des Solidaires",
        slug="rencontre-des-solidaires",
        kind=kinds["rencontre"],
        commune=communes["lille"],
        address="Maison de l'ESS, 1 rue de Lille",
        description="<p>Notre grand <strong>rendez-vous</strong> annuel.</p>",
    )
    session = Session.objects.create(
        event=event, starts_at=at(20, 9), ends_at=at(20, 17), capacity=150
    )
    ProgrammeItem.objects.create(event=event, starts_at=dt.time(9), title="Accueil")
    slot = ProgrammeItem.objects.create(
        event=event, starts_at=dt.time(13, 30), title="Ateliers", choose_workshop=True
    )
    for i, title in enumerate(["Coopérer", "Financer", "Essaimer"]):
        Workshop.objects.create(item=slot, title=title, capacity=50, position=i)
    event.main_session = session
    return event


@pytest.fixture
def fresque(kinds, communes):
    """The Fresque: Lens on one date, Lille on another, registered for separately."""
    event = Event.objects.create(
        title="Fresque de l'économie sociale et solidaire",
        slug="fresque-ess",
        kind=kinds["fresque"],
    )
    Session.objects.create(
        event=event,
        title="Lens",
        commune=communes["lens"],
        starts_at=at(10, 14),
        ends_at=at(10, 17),
        capacity=2,
    )
    Session.objects.create(
        event=event,
        title="Lille",
        commune=communes["lille"],
        starts_at=at(13, 14),
        ends_at=at(13, 17),
        capacity=2,
    )
    return event


@pytest.fixture
def organisations(db, communes):
    alim = Category.objects.create(name="Alimentation", slug="alimentation")
    member = create_organisation(
        {"name": "Les Jardins de Cocagne", "is_member": True, "commune": communes["lille"]}
    )
    member.categories.add(alim)
    other = create_organisation({"name": "Entreprise Lambda", "commune": communes["arras"]})
    return {"member": member, "other": other, "alimentation": alim}
