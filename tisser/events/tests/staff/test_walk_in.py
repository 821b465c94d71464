"""Walk-ins at the door: someone not registered is registered and checked in at once,
found or created in the contacts base; the organisation they name is only what they say.
A second tap, a replayed form, a full or cancelled event: never a double registration."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tisser.directory.models import Affiliation, Person
from tisser.events.models import Attendance, Event, Registration

pytestmark = pytest.mark.django_db


def _walk_in(client, event, session, **data):
    url = reverse("events:staff_checkin_walk_in", args=[event.pk])
    fields = {"first_name": "Inès", "last_name": "Morel", "email": "ines@example.org"}
    fields.update(data)
    return client.post(url, {"session": session.pk, **fields})


def test_a_walk_in_is_registered_and_checked_in(staff_client, rencontre, organisations):
    session = rencontre.sessions_list[0]
    # Registration closed yesterday, the event has a required question and a workshop to
    # choose: none of that applies at the door.
    Event.objects.filter(pk=rencontre.pk).update(
        registration_closes_at=timezone.now() - dt.timedelta(days=1)
    )
    rencontre.refresh_from_db()
    rencontre.questions.create(text="Régime", kind="text", required=True)
    response = _walk_in(
        staff_client,
        rencontre,
        session,
        organisation="Les Jardins de Cocagne",
        email="Ines@Example.org",
    )
    assert response.status_code == 302
    assert "q=Morel" in response["Location"]
    registration = Registration.objects.get(event=rencontre)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.person.email == "ines@example.org"
    assert Attendance.objects.get(registration=registration, session=session).attended
    # The organisation named is linked as the public form links it (a claim): never a
    # representative, and no right comes from it.
    assert registration.organisation.name == "Les Jardins de Cocagne"
    link = Affiliation.objects.get(person=registration.person)
    assert not link.is_representative
    page = staff_client.get(response["Location"]).content.decode()
    assert "Inès Morel est inscrit·e et pointé·e." in page


def test_the_same_walk_in_twice_registers_once(staff_client, rencontre):
    session = rencontre.sessions_list[0]
    _walk_in(staff_client, rencontre, session)
    again = _walk_in(staff_client, rencontre, session)
    assert again.status_code == 302
    assert Registration.objects.filter(event=rencontre).count() == 1
    assert Person.objects.filter(email="ines@example.org").count() == 1
    assert Attendance.objects.filter(attended=True).count() == 1
    page = staff_client.get(again["Location"]).content.decode()
    assert "déjà inscrite" in page or "déjà inscrit" in page


def test_an_existing_contact_is_found_not_duplicated(staff_client, rencontre):
    known = Person.objects.create(first_name="Inès", last_name="Morel", email="ines@example.org")
    _walk_in(staff_client, rencontre, rencontre.sessions_list[0])
    assert Registration.objects.get(event=rencontre).person == known


def test_a_full_event_or_a_cancelled_one_refuses_with_a_message(staff_client, rencontre):
    session = rencontre.sessions_list[0]
    rencontre.waitlist_enabled = True
    rencontre.save()
    type(session).objects.filter(pk=session.pk).update(capacity=0)
    response = _walk_in(staff_client, rencontre, session)
    assert response.status_code == 400
    assert "complet" in response.content.decode()
    assert not Registration.objects.exists()  # not put on the waiting list either
    type(session).objects.filter(pk=session.pk).update(capacity=10)
    Event.objects.filter(pk=rencontre.pk).update(status=Event.Status.CANCELLED)
    response = _walk_in(staff_client, rencontre, session)
    assert response.status_code == 400 and "annulé" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"email": "pas-une-adresse"}, "adresse"),
        ({"first_name": ""}, "obligatoire"),
        ({"last_name": "Mo\x00rel"}, "caractère"),
    ],
)
def test_bad_input_keeps_what_was_typed(staff_client, rencontre, data, message):
    response = _walk_in(staff_client, rencontre, rencontre.sessions_list[0], **data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "ines@example.org" in page or "pas-une-adresse" in page
    assert not Registration.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "public", "member", "representative"])
def test_only_staff_add_walk_ins(client, role_users, rencontre, role):
    if role_users[role]:
        client.force_login(role_users[role])
    response = _walk_in(client, rencontre, rencontre.sessions_list[0])
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/compte/connexion/" in response["Location"]
    assert not Registration.objects.exists()
