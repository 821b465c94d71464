"""Cancelling an event says what will happen and asks first; confirming twice (a second
click, the back button) tells nobody twice."""

import pytest
from django.core import mail
from django.urls import reverse

from tisser.events.models import Event

pytestmark = pytest.mark.django_db


def test_cancel_says_who_is_told_then_tells_them_once(
    staff_client, fresque, register, django_capture_on_commit_callbacks
):
    lens, lille = fresque.sessions_list
    register(fresque, "ana@example.org", "Ana", "Lopez", session=lens)
    register(fresque, "bo@example.org", "Bo", "Martin", session=lille)
    mail.outbox.clear()
    url = reverse("events:staff_event_cancel", args=[fresque.pk])
    page = staff_client.get(url).content.decode()
    assert "2 personnes inscrites seront prévenues par e-mail." in page
    assert "Annuler l’événement et prévenir 2 personnes" in page
    assert Event.objects.get(pk=fresque.pk).status != Event.Status.CANCELLED  # asked only
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(url, follow=True)
    assert "2 inscrit·e·s sont prévenu·e·s" in done.content.decode()
    assert Event.objects.get(pk=fresque.pk).status == Event.Status.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bo@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        again = staff_client.post(url, follow=True)
    assert "personne n’a été prévenu une seconde fois" in again.content.decode()
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("role", ["anonymous", "public", "member", "representative"])
def test_only_staff_cancel(client, role_users, fresque, role):
    if role_users[role]:
        client.force_login(role_users[role])
    response = client.post(reverse("events:staff_event_cancel", args=[fresque.pk]))
    assert response.status_code in (302, 403)
    assert Event.objects.get(pk=fresque.pk).status != Event.Status.CANCELLED
