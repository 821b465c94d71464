"""Sending to a segment. A newsletter narrowed by a segment reaches only the list's
subscribers in it (a segment never adds anyone; unsubscribes and the suppression list
still apply; an issue never goes twice to an address), through the usual confirmation.
A service message goes to the segment's people, labelled as such, never to a suppressed
address. Messages are counted at a real SMTP server on loopback."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tisser.directory.contacts import services_segments
from tisser.directory.models import Person
from tisser.events.models import Event, EventKind, Registration, Session
from tisser.publications.models import (
    Campaign,
    ServiceDelivery,
    ServiceMessage,
    Subscription,
    Suppression,
)
from tisser.publications.services_service import KIND_HEADER

from .conftest import make_subscribers


@pytest.fixture(autouse=True)
def one_connection(settings):
    settings.TISSER_NEWSLETTER_CONNECTIONS = 1
    settings.TISSER_NEWSLETTER_MESSAGES_PER_SECOND = 0
    settings.TISSER_NEWSLETTER_FROM_EMAIL = "APES <infolettre@apes-hdf.org>"


@pytest.fixture
def sends(django_capture_on_commit_callbacks):
    def run(method, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return method(*args, **kwargs)

    return run


def _key(page: str) -> str:
    return re.search(r'name="confirmation_key" value="([^"]+)"', page).group(1)


@pytest.fixture
def fresque(infolettre):
    """The Fresque's participants: subscribed (s0), subscribed but suppressed (s1),
    unsubscribed (s2), never subscribed (outsider), pending confirmation (s3); and
    subscribers who did not register (s4, s5)."""
    people = make_subscribers(infolettre, 6, prefix="s")
    by_email = {p.email: p for p in people}
    Suppression.objects.create(email="s1@exemple.fr", reason="hard_bounce")
    Subscription.objects.filter(person=by_email["s2@exemple.fr"]).update(status="unsubscribed")
    Subscription.objects.filter(person=by_email["s3@exemple.fr"]).update(status="pending")
    outsider = Person.objects.create(first_name="Oscar", email="outsider@exemple.fr")
    no_email = Person.objects.create(first_name="Sans")
    kind = EventKind.objects.create(name="Fresque", slug="fresque")
    event = Event.objects.create(title="Fresque du handicap en emploi", slug="fresque", kind=kind)
    start = timezone.make_aware(datetime.datetime(2026, 6, 16, 10))
    session = Session.objects.create(
        event=event, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    registrants = [by_email[f"s{n}@exemple.fr"] for n in range(4)] + [outsider, no_email]
    for person in registrants:
        Registration.objects.create(event=event, session=session, person=person, status="confirmed")
    segment = services_segments.save_segment(
        "Participants de la Fresque",
        {"condition": "registered", "params": {"event": event.pk}},
    )
    return {"segment": segment, "people": by_email, "outsider": outsider}


def test_a_segment_narrows_the_issue_to_its_subscribers(
    client, role_users, simple_newsletter, fresque, counting_smtp, sends
):
    client.force_login(role_users["editor"])
    url = reverse("publications:campaign_start", args=[simple_newsletter.pk])
    page = client.get(url, {"segment": fresque["segment"].pk}).content.decode()
    assert "Participants de la Fresque" in page
    # Subscribed with an address and in the segment: s0, s1 (s2 unsubscribed, s3 pending).
    assert re.search(r'send-subscribed">2<', page)
    assert re.search(r'send-suppressed">1<', page)
    assert re.search(r'send-outside">2<', page)  # s4, s5: subscribers not in the segment
    assert re.search(r'send-recipients">1<', page)
    key = _key(page)
    response = sends(client.post, url, {"confirmation_key": key, "segment": fresque["segment"].pk})
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("publications:campaign", args=[campaign.pk])
    assert campaign.segment_name == "Participants de la Fresque"
    assert campaign.segment_conditions == fresque["segment"].conditions
    # Only s0: never the outsider (not subscribed), s1 (suppressed), s2, s3, s4, s5.
    assert set(counting_smtp.by_recipient) == {"s0@exemple.fr"}
    assert counting_smtp.total() == 1

    # The same issue later to the whole list: s0 is not written to again.
    page = client.get(url).content.decode()
    sends(client.post, url, {"confirmation_key": _key(page)})
    assert set(counting_smtp.by_recipient) == {"s0@exemple.fr", "s4@exemple.fr", "s5@exemple.fr"}
    assert all(len(ids) == 1 for ids in counting_smtp.by_recipient.values())


def test_a_changed_segment_does_not_change_a_campaign(
    client, role_users, simple_newsletter, fresque, counting_smtp, sends
):
    """The conditions are copied when confirmed; deleting the segment keeps the campaign."""
    client.force_login(role_users["editor"])
    url = reverse("publications:campaign_start", args=[simple_newsletter.pk])
    key = _key(client.get(url, {"segment": fresque["segment"].pk}).content.decode())
    sends(client.post, url, {"confirmation_key": key, "segment": fresque["segment"].pk})
    fresque["segment"].delete()
    campaign = Campaign.objects.get()
    assert campaign.segment is None and campaign.segment_conditions
    page = client.get(reverse("publications:campaign", args=[campaign.pk])).content.decode()
    assert "Participants de la Fresque" in page


def test_an_unknown_segment_is_a_404_and_a_bad_one_a_400(
    client, role_users, simple_newsletter, fresque
):
    client.force_login(role_users["editor"])
    url = reverse("publications:campaign_start", args=[simple_newsletter.pk])
    assert client.get(url, {"segment": "999999"}).status_code == 404
    assert client.get(url, {"segment": "inf"}).status_code == 400
    assert client.get(url, {"segment": "1e309"}).status_code == 400


def test_service_message_goes_to_the_segment_minus_suppressions(
    client, role_users, fresque, counting_smtp, sends
):
    client.force_login(role_users["editor"])
    url = reverse("publications:service_message_new")
    data = {
        "segment": fresque["segment"].pk,
        "subject": "Fresque : changement de salle",
        "body": "La Fresque aura lieu salle B.\n\nMerci de votre compréhension.",
    }
    page = client.post(url, data).content.decode()
    assert not ServiceMessage.objects.exists()  # the confirmation creates nothing
    assert "Message de service" in page
    # Registered with an address: s0, s1, s2, s3, outsider (not the one without an address).
    assert re.search(r'send-in-segment">6<', page)
    assert re.search(r'send-without-email">1<', page)
    assert re.search(r'send-suppressed">1<', page)
    assert re.search(r'send-recipients">4<', page)
    key = _key(page)
    response = sends(client.post, url, {**data, "confirmation_key": key})
    message = ServiceMessage.objects.get()
    assert response["Location"] == reverse("publications:service_message", args=[message.pk])
    # A service message reaches the registrants, subscribed or not, never s1 (suppressed).
    assert set(counting_smtp.by_recipient) == {
        "s0@exemple.fr",
        "s2@exemple.fr",
        "s3@exemple.fr",
        "outsider@exemple.fr",
    }
    for received in counting_smtp.messages:
        assert received[KIND_HEADER] == "service"
        assert received["Subject"] == "Fresque : changement de salle"
        text = received.get_body(("plain",)).get_content()
        assert "Message de service" in text and "salle B" in text
        assert "List-Unsubscribe" not in received
    # The same confirmation again sends nothing more.
    sends(client.post, url, {**data, "confirmation_key": key})
    assert ServiceMessage.objects.count() == 1
    assert counting_smtp.total() == 4
    # The staff pages say what it is.
    listing = client.get(reverse("publications:service_messages")).content.decode()
    assert "Message de service" in listing and "changement de salle" in listing
    detail = client.get(response["Location"]).content.decode()
    assert "Message de service" in detail


def test_an_address_suppressed_after_confirmation_is_skipped(fresque, counting_smtp, sends):
    from tisser.publications import services_service

    message, started = sends(
        services_service.send_service_message,
        subject="Salle",
        body="Salle B",
        segment=fresque["segment"],
        confirmation_key="k1",
    )
    assert started and message.total == 4
    assert counting_smtp.total() == 4
    # Delivering again (a retried task) sends nothing twice.
    assert services_service.deliver(message.pk) == 0
    assert counting_smtp.total() == 4

    Suppression.objects.create(email="s0@exemple.fr", reason="complaint")
    ServiceDelivery.objects.filter(message=message).update(status="pending")  # as if not sent
    services_service.deliver(message.pk)
    assert "s0@exemple.fr" not in {
        r for r, ids in counting_smtp.by_recipient.items() if len(ids) > 1
    }
    assert ServiceDelivery.objects.get(message=message, email="s0@exemple.fr").status == "skipped"


@pytest.mark.parametrize(
    "data",
    [
        {"subject": "", "body": "x"},
        {"subject": "x", "body": ""},
        {"subject": "x", "body": "y", "segment": "999999"},
        {"subject": "x", "body": "y", "segment": "abc"},
    ],
)
def test_bad_service_message_input_is_refused(client, role_users, fresque, data):
    client.force_login(role_users["editor"])
    payload = {"segment": fresque["segment"].pk, **data}
    response = client.post(reverse("publications:service_message_new"), payload)
    assert response.status_code == 400
    assert not ServiceMessage.objects.exists()


@pytest.mark.parametrize("role", ["public", "member", "representative", "claimant"])
def test_service_messages_are_staff_only(client, role_users, fresque, role):
    client.force_login(role_users[role])
    for url in (
        reverse("publications:service_messages"),
        reverse("publications:service_message_new"),
    ):
        assert client.get(url).status_code == 403
    response = client.post(
        reverse("publications:service_message_new"),
        {"segment": fresque["segment"].pk, "subject": "x", "body": "y", "confirmation_key": "k"},
    )
    assert response.status_code == 403
    assert not ServiceMessage.objects.exists()
