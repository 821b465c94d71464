"""Staff-side fixtures: the seeds' course (4.5 days for 8 to 12 participants), and a
helper that registers people from known organisations."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tisser.directory.contacts.services import create_organisation
from tisser.directory.models import LegalForm
from tisser.events.models import Event, Question, RegistrationMode, Session
from tisser.events.registration import services
from tisser.events.registration.rules import Choices, OrganisationInfo, Registrant


def at(days, hour=9, minute=0):
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def orgs(communes):
    """An association in Lille (59), a SCOP in Lens (62), a SCIC with no commune."""
    return {
        "asso": create_organisation(
            {
                "name": "Les Jardins de Cocagne",
                "legal_form": LegalForm.ASSOCIATION,
                "commune": communes["lille"],
                "is_member": True,
            }
        ),
        "scop": create_organisation(
            {"name": "Scop Énergie", "legal_form": LegalForm.SCOP, "commune": communes["lens"]}
        ),
        "scic": create_organisation({"name": "SCIC Mobilité", "legal_form": LegalForm.SCIC}),
    }


@pytest.fixture
def course(kinds, communes):
    """The “Parcours amélioration continue”: one registration for four dated days,
    8 to 12 participants."""
    event = Event.objects.create(
        title="Parcours amélioration continue",
        slug="parcours-amelioration",
        kind=kinds["formation"],
        commune=communes["arras"],
        registration_mode=RegistrationMode.WHOLE_COURSE,
        min_participants=8,
        max_participants=12,
        reserved_for="les acteurs du Budget citoyen du Pas-de-Calais",
    )
    for i, days in enumerate([5, 40, 75, 110]):
        Session.objects.create(
            event=event, title=f"Jour {i + 1}", starts_at=at(days, 9), ends_at=at(days, 17)
        )
    Question.objects.create(event=event, text="Régime alimentaire", position=0)
    return event


@pytest.fixture
def register():
    def _register(event, email, first, last, org=None, session=None, workshops=(), answers=None):
        return services.register(
            event,
            Registrant(email=email, first_name=first, last_name=last),
            organisation=OrganisationInfo(organisation=org) if org else None,
            choices=Choices(session=session, workshops=list(workshops), answers=answers or {}),
        )

    return _register


@pytest.fixture
def staff_client(role_users):
    client = Client()
    client.force_login(role_users["editor"])
    return client
