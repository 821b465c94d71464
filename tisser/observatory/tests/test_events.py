"""What the observatory takes from the events app: participants by territory and year (a
live indicator), a territory's upcoming events, and a shortlist's suppliers invited to a
sourcing event by email (through the real SMTP server fixture)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tisser.directory.models import Person
from tisser.events.models import Event, EventKind, Registration, Session
from tisser.observatory import queries, services
from tisser.observatory.models import Level, ShortlistInvitation
from tisser.observatory.views_sourcing import shortlist_token

pytestmark = pytest.mark.django_db


def at(days, hour=9):
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def agenda(hauts_de_france):
    kind = EventKind.objects.create(name="Rencontre", slug="rencontre")
    sourcing = Event.objects.create(
        title="Sourcing « Appel d'offres »",
        slug="sourcing-appel-d-offres",
        kind=kind,
        commune_id="80016",
    )
    Session.objects.create(event=sourcing, starts_at=at(30, 8), ends_at=at(30, 13))
    past = Event.objects.create(
        title="Fresque du climat", slug="fresque", kind=kind, commune_id="59350"
    )
    old = Session.objects.create(event=past, starts_at=at(-400), ends_at=at(-400, 12))
    people = [
        Person.objects.create(first_name=f"P{i}", last_name="Test", email=f"p{i}@example.org")
        for i in range(4)
    ]
    for person in people[:3]:
        Registration.objects.create(
            event=past, session=old, person=person, status=Registration.Status.CONFIRMED
        )
    Registration.objects.create(
        event=past, session=old, person=people[3], status=Registration.Status.CANCELLED
    )
    Registration.objects.create(
        event=sourcing,
        session=sourcing.sessions.get(),
        person=people[0],
        status=Registration.Status.CONFIRMED,
    )
    return {"sourcing": sourcing, "past": past, "old_year": timezone.localtime(old.starts_at).year}


def test_participants_indicator_by_territory_and_year(agenda):
    live = queries.get_indicator("tisser-participants-evenements")
    this_year = timezone.localtime(at(30)).year
    assert set(live.years(Level.DEPARTEMENT)) == {agenda["old_year"], this_year}
    assert live.values(Level.DEPARTEMENT, agenda["old_year"]) == {"59": 3.0}  # not the cancelled
    assert live.values(Level.COMMUNE, this_year) == {"80016": 1.0}
    assert live.values(Level.REGION, agenda["old_year"]) == {"32": 3.0}


def test_territory_page_lists_upcoming_events(client, agenda):
    body = client.get(reverse("observatory:territory", args=["dep-80"])).content.decode()
    assert "Sourcing « Appel d&#x27;offres »" in body or "Sourcing « Appel d'offres »" in body
    assert reverse("events:event", args=["sourcing-appel-d-offres"]) in body
    lille = client.get(reverse("observatory:territory", args=["59350"])).content.decode()
    assert "Fresque du climat" not in lille  # past


def test_staff_invite_a_shortlist_to_a_sourcing_event(
    client, agenda, suppliers, make_user, smtp_server, run_on_commit
):
    shortlist = services.create_shortlist(
        "Collecte", [suppliers["Ressourcerie du Coquelicot"].pk, suppliers["Jardins d'Amiens"].pk]
    )
    token = shortlist_token(shortlist)
    url = reverse("observatory:shortlist_invite", args=[token])
    # Only staff may send: a public link must not become a way to email suppliers.
    assert client.post(url, {"event": agenda["sourcing"].pk}).status_code == 302  # login
    client.force_login(make_user("public@example.org"))
    assert client.post(url, {"event": agenda["sourcing"].pk}).status_code == 403
    staff = make_user("chargee@example.org", staff_role="editor")
    client.force_login(staff)
    page = client.get(reverse("observatory:shortlist", args=[token])).content.decode()
    assert "Sourcing" in page and 'name="event"' in page
    with run_on_commit():
        response = client.post(url, {"event": agenda["sourcing"].pk, "message": "Venez !"})
    assert response.status_code == 302
    invitation = ShortlistInvitation.objects.get()
    assert invitation.recipients == 2 and invitation.event == agenda["sourcing"]
    sent = sorted(m["To"] for m in smtp_server.messages)
    assert sent == ["contact@jardins.example", "contact@ressourcerie.example"]
    text = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert "Sourcing" in text and "Venez !" in text and "/agenda/sourcing-appel-d-offres/" in text
    assert smtp_server.messages[0]["Reply-To"] == "chargee@example.org"


def test_inviting_to_a_past_or_unknown_event_is_refused(client, agenda, suppliers, make_user):
    shortlist = services.create_shortlist("Collecte", [suppliers["Jardins d'Amiens"].pk])
    client.force_login(make_user("chargee@example.org", staff_role="editor"))
    url = reverse("observatory:shortlist_invite", args=[shortlist_token(shortlist)])
    response = client.post(url, {"event": agenda["past"].pk}, follow=True)
    assert ShortlistInvitation.objects.count() == 0
    assert "événement" in response.content.decode() or "event" in response.content.decode()
