"""Registration emails over a real SMTP server: the confirmation carries the sessions as
iCalendar and a QR code of the signed check-in link; one goes through the real worker."""

import time

import pytest
import segno
from django.urls import reverse
from icalendar import Calendar

from tisser.events.models import Registration, Workshop
from tisser.events.registration import changes, emails, services, tokens
from tisser.events.registration.rules import Choices, Registrant
from tisser.events.staff import editing

pytestmark = pytest.mark.django_db


def _register(event, n, **choices):
    return services.register(
        event,
        Registrant(email=f"p{n}@example.org", first_name=f"Prénom{n}"),
        choices=Choices(**choices),
        language="fr",
    )


def _parts(message):
    return {part.get_filename(): part for part in message.iter_attachments()}


def test_confirmation_with_calendar_and_qr_code(
    rencontre, smtp_server, django_capture_on_commit_callbacks
):
    workshop = Workshop.objects.get(title="Financer")
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(rencontre, 1, workshops=[workshop])
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "p1@example.org"
    assert "confirmée\u00a0: " in message["Subject"]  # French typography kept
    text = message.get_body(("plain",)).get_content()
    assert "Bonjour Prénom1" in text and "Financer" in text
    assert tokens.manage_url(registration) in text
    html = message.get_body(("html",)).get_content()
    assert "Rencontre des Solidaires" in html
    parts = _parts(message)
    calendar = Calendar.from_ical(parts["evenement.ics"].get_content())
    [vevent] = calendar.walk("VEVENT")
    assert vevent["summary"] == "Rencontre des Solidaires"
    assert vevent.decoded("dtstart") == rencontre.sessions.get().starts_at
    qr = parts["billet-qr.png"].get_content()
    assert qr.startswith(b"\x89PNG")
    # The QR code encodes the signed check-in link of this registration, nothing else.
    assert qr == emails.qr_png(tokens.checkin_url(registration))
    assert segno.make(tokens.checkin_url(registration), error="m").version <= 10
    checkin_path = tokens.checkin_url(registration).split("://", 1)[1].split("/", 1)[1]
    assert ("/" + checkin_path).startswith("/gestion/evenements/pointage/")
    token = checkin_path.rstrip("/").rsplit("/", 1)[1]
    assert tokens.registration_from_checkin_token(token) == registration


def test_waitlist_then_promotion_emails(fresque, smtp_server, django_capture_on_commit_callbacks):
    lens = fresque.sessions_list[0]
    with django_capture_on_commit_callbacks(execute=True):
        first = _register(fresque, 1, session=lens)
        _register(fresque, 2, session=lens)
        _register(fresque, 3, session=lens)
    assert "liste d'attente" in smtp_server.messages[2]["Subject"]
    assert not _parts(smtp_server.messages[2])  # no ticket while waiting
    with django_capture_on_commit_callbacks(execute=True):
        changes.cancel_registration(first)
    by_recipient = {m["To"]: m for m in smtp_server.messages[3:]}
    assert "annulée" in by_recipient["p1@example.org"]["Subject"]
    promoted = by_recipient["p3@example.org"]
    assert "place" in promoted["Subject"]
    assert Registration.objects.get(person__email="p3@example.org").status == "confirmed"


def test_event_change_and_cancellation_notices(
    fresque, smtp_server, django_capture_on_commit_callbacks
):
    lens = fresque.sessions_list[0]
    _register(fresque, 1, session=lens)
    with django_capture_on_commit_callbacks(execute=True):
        fresque.address = "Nouvelle salle, 3 rue du Port"
        editing.save_event(fresque, changed_fields=["address"])
    assert "Changement" in smtp_server.messages[-1]["Subject"]
    with django_capture_on_commit_callbacks(execute=True):
        editing.cancel_event(fresque)
    assert "annulé" in smtp_server.messages[-1]["Subject"]


def test_english_registrant_gets_english(
    rencontre, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.register(
            rencontre,
            Registrant(email="en@example.org", first_name="Ann"),
            choices=Choices(workshops=[Workshop.objects.first()]),
            language="en",
        )
    assert smtp_server.messages[0]["Subject"].startswith("Your registration is confirmed")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_confirmation_through_the_real_worker(smtp_for_worker, celery_worker_process, client):
    from tisser.events.models import Event, EventKind, Session

    from .conftest import at

    kind = EventKind.objects.create(name="Matinale", slug="matinale")
    event = Event.objects.create(title="Matinale de l'ESS", slug="matinale", kind=kind)
    Session.objects.create(event=event, starts_at=at(5, 8, 30), ends_at=at(5, 10), capacity=30)
    response = client.post(
        reverse("events:register", args=["matinale"]),
        {"first_name": "Lou", "last_name": "Petit", "email": "lou@example.org"},
    )
    assert response.status_code == 302
    deadline = time.monotonic() + 30
    while not smtp_for_worker.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    assert smtp_for_worker.messages, celery_worker_process.log_path.read_text()
    message = smtp_for_worker.messages[0]
    assert message["To"] == "lou@example.org"
    assert set(_parts(message)) == {"evenement.ics", "billet-qr.png"}
