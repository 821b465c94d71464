"""Check-in at the door: by the QR code of the confirmation (a signed URL opened by a
logged-in staff member) and by typing a name on the phone page (accents ignored)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tisser.events.models import Attendance
from tisser.events.registration import tokens

pytestmark = pytest.mark.django_db


def test_qr_code_of_the_confirmation_opens_the_check_in(
    client, role_users, fresque, register, django_capture_on_commit_callbacks
):
    lens = fresque.sessions_list[0]
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(fresque, "ana@example.org", "Ana", "Lopez", session=lens)
    (message,) = mail.outbox
    # The URL the QR code encodes is the one the token module signs for this registration.
    url = tokens.checkin_url(registration)
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert "/gestion/evenements/pointage/" in url
    png = [a for a in message.attachments if getattr(a, "mimetype", "") == "image/png"] or [
        p for p in message.message().walk() if p.get_content_type() == "image/png"
    ]
    assert png, "the confirmation carries the QR code"
    client.force_login(role_users["editor"])
    page = client.get("/" + path).content.decode()
    assert "Ana Lopez" in page
    client.post("/" + path)
    assert Attendance.objects.get(registration=registration, session=lens).attended
    # A forged ticket marks nothing.
    forged = re.sub(r"pointage/[^/]+/", "pointage/bm9wZQ:abc:def/", "/" + path)
    assert client.post(forged).status_code == 400


def test_search_by_name_ignores_accents_and_case(staff_client, course, register, orgs):
    register(course, "helene@example.org", "Hélène", "Dupré", org=orgs["asso"])
    register(course, "omar@example.org", "Omar", "Benali", org=orgs["scop"])
    url = reverse("events:staff_checkin_desk", args=[course.pk])
    response = staff_client.get(url, {"q": "HELENE dupre"})
    # This page alone may use the camera (the in-page scanner), from this origin only.
    assert "camera=(self)" in response["Permissions-Policy"]
    assert "camera=()" in staff_client.get(reverse("events:staff_events"))["Permissions-Policy"]
    page = response.content.decode()
    assert "Hélène Dupré" in page and "Omar" not in page
    page = staff_client.get(url, {"q": "energie"}).content.decode()  # Scop Énergie
    assert "Omar Benali" in page and "Hélène" not in page
    page = staff_client.get(url, {"q": "personne"}).content.decode()
    assert "Aucune personne inscrite ne correspond" in page


def test_htmx_search_returns_only_the_list_and_marking_swaps_the_row(
    staff_client, course, register
):
    r = register(course, "helene@example.org", "Hélène", "Dupré")
    first_day, second_day = course.sessions_list[:2]
    url = reverse("events:staff_checkin_desk", args=[course.pk])
    fragment = staff_client.get(
        url, {"q": "hel", "session": second_day.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment and "Hélène Dupré" in fragment
    mark = reverse("events:staff_checkin_mark", args=[course.pk, r.pk])
    row = staff_client.post(
        mark, {"session": second_day.pk, "attended": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'id="checkin-{r.pk}"' in row and "Annuler" in row
    assert Attendance.objects.get(registration=r, session=second_day).attended
    assert not Attendance.objects.filter(session=first_day).exists()
    # Undo, without htmx: a redirect back to the search.
    response = staff_client.post(mark, {"session": second_day.pk, "attended": "0", "q": "hel"})
    assert response.status_code == 302 and "q=hel" in response["Location"]
    assert not Attendance.objects.get(registration=r, session=second_day).attended


def test_waitlisted_person_cannot_be_checked_in(staff_client, fresque, register):
    lens = fresque.sessions_list[0]
    register(fresque, "a@example.org", "Ana", "A", session=lens)
    register(fresque, "b@example.org", "Bob", "B", session=lens)
    waiting = register(fresque, "c@example.org", "Chloé", "Attente", session=lens)
    mark = reverse("events:staff_checkin_mark", args=[fresque.pk, waiting.pk])
    row = staff_client.post(
        mark, {"session": lens.pk, "attended": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "pas confirmée" in row
    assert not Attendance.objects.exists()
