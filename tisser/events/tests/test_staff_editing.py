"""Staff create and edit events with their sessions, programme, workshops and questions."""

import pytest
from django.core import mail
from django.urls import reverse

from tisser.events.models import Event, EventKind, Registration, Session, Workshop
from tisser.events.registration import services
from tisser.events.registration.rules import Choices, Registrant

pytestmark = pytest.mark.django_db


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def event_data(kind, **extra):
    data = {
        "title": "Matinale de l'ESS",
        "slug": "matinale-ess",
        "kind": str(kind.pk),
        "status": "published",
        "commune": "Lens",
        "registration_mode": "session",
        "waitlist_enabled": "on",
        "price_member": "0",
        "price_non_member": "0",
        "reminder_days": "2",
        "description": "<p>Bonjour<script>alert(1)</script></p>",
        **management("sessions", 1),
        "sessions-0-starts_at": "2030-06-16T10:00",
        "sessions-0-ends_at": "2030-06-16T13:00",
        "sessions-0-capacity": "2",
        **management("programme", 2),
        "programme-0-starts_at": "10:00",
        "programme-0-title": "Accueil",
        "programme-1-starts_at": "10:30",
        "programme-1-title": "Ateliers",
        "programme-1-choose_workshop": "on",
        "programme-1-workshops_text": "Coopérer | 1\nFinancer",
        **management("questions", 1),
        "questions-0-position": "0",
        "questions-0-text": "Régime",
        "questions-0-kind": "choice",
        "questions-0-choices": "Aucun\nVégétarien",
    }
    data.update(extra)
    return data


def test_create_an_event_with_its_parts(client, role_users, kinds, communes):
    client.force_login(role_users["editor"])
    assert client.get(reverse("events:staff_event_new")).status_code == 200
    response = client.post(reverse("events:staff_event_new"), event_data(kinds["matinale"]))
    assert response.status_code == 302
    event = Event.objects.get(slug="matinale-ess")
    assert event.commune.name == "Lens"
    assert "<script>" not in event.description and "Bonjour" in event.description
    assert event.sessions.get().capacity == 2
    assert [(w.title, w.capacity) for w in Workshop.objects.filter(item__event=event)] == [
        ("Coopérer", 1),
        ("Financer", None),
    ]
    assert event.questions.get().choice_list == ["Aucun", "Végétarien"]
    assert client.get(event.get_absolute_url()).status_code == 200


def test_bad_input_keeps_everything_and_saves_nothing(client, role_users, kinds, communes):
    client.force_login(role_users["editor"])
    data = event_data(
        kinds["matinale"],
        commune="Atlantide",
        **{"programme-1-workshops_text": "Coopérer | beaucoup", "questions-0-choices": ""},
    )
    response = client.post(reverse("events:staff_event_new"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Commune inconnue" in page and "beaucoup" in page and "Donnez les choix" in page
    assert 'value="Matinale de l&#x27;ESS"' in page
    assert not Event.objects.exists()


def test_edit_protects_places_taken_and_tells_registrants(
    client, role_users, fresque, django_capture_on_commit_callbacks
):
    lens, lille = fresque.sessions_list
    services.register(fresque, Registrant(email="a@example.org"), choices=Choices(session=lens))
    services.register(fresque, Registrant(email="b@example.org"), choices=Choices(session=lens))
    waiting = services.register(
        fresque, Registrant(email="c@example.org"), choices=Choices(session=lens)
    )
    client.force_login(role_users["editor"])
    url = reverse("events:staff_event_edit", args=[fresque.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "title": fresque.title,
        "slug": fresque.slug,
        "kind": str(fresque.kind_id),
        "status": "published",
        "registration_mode": "session",
        "waitlist_enabled": "on",
        "price_member": "0",
        "price_non_member": "0",
        "reminder_days": "2",
        **management("sessions", 2, 2),
        **management("programme", 0),
        **management("questions", 0),
    }
    for i, session in enumerate([lens, lille]):
        data.update(
            {
                f"sessions-{i}-id": str(session.pk),
                f"sessions-{i}-title": session.title,
                f"sessions-{i}-starts_at": session.starts_at.astimezone().strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                f"sessions-{i}-ends_at": session.ends_at.astimezone().strftime("%Y-%m-%dT%H:%M"),
                f"sessions-{i}-commune": session.commune.code,
                f"sessions-{i}-capacity": str(session.capacity),
            }
        )
    too_small = {**data, "sessions-0-capacity": "1"}
    response = client.post(url, too_small)
    assert response.status_code == 400 and "déjà prises" in response.content.decode()
    removing = {**data, "sessions-0-DELETE": "on"}
    response = client.post(url, removing)
    assert response.status_code == 400 and "inscrits" in response.content.decode()
    assert Session.objects.filter(pk=lens.pk).exists()
    # More places: the first person waiting gets one; a new venue: everybody is told.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "sessions-0-capacity": "3", "address": "Salle B"})
    assert response.status_code == 302
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
    subjects = [m.subject for m in mail.outbox]
    assert sum("Changement" in s for s in subjects) == 3
    assert any("place s'est libérée" in s for s in subjects)


def test_kinds(client, role_users, kinds):
    client.force_login(role_users["member"])
    assert client.post(reverse("events:staff_kinds"), {"name": "Visite"}).status_code == 403
    client.force_login(role_users["editor"])
    client.post(reverse("events:staff_kinds"), {"name": "Visite", "slug": "visite", "position": 5})
    assert EventKind.objects.filter(slug="visite").exists()
    duplicate = client.post(
        reverse("events:staff_kinds"), {"name": "Visite", "slug": "visite", "position": 6}
    )
    assert duplicate.status_code == 400


def test_an_event_abroad_says_its_country_and_its_organiser(client, role_users, kinds, communes):
    """For the agenda's open data (schema.org): Genève is in Switzerland, not in France."""
    client.force_login(role_users["editor"])
    form = client.get(reverse("events:staff_event_new")).content.decode()
    assert '<option value="CH">Suisse</option>' in form
    data = event_data(
        kinds["matinale"],
        commune="",
        venue_name="Palais des Nations",
        country="CH",
        organiser_name="Organisation internationale du Travail",
        external_registration_url="https://www.ilo.org/",
    )
    assert client.post(reverse("events:staff_event_new"), data).status_code == 302
    event = Event.objects.get(slug="matinale-ess")
    assert (event.country, event.country_name) == ("CH", "Suisse")
    assert event.organiser_name == "Organisation internationale du Travail"
    data["country"] = "ZZ"  # not a country
    page = client.post(reverse("events:staff_event_edit", args=[event.pk]), data)
    assert page.status_code == 400 and Event.objects.get(pk=event.pk).country == "CH"
