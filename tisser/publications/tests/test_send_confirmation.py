"""Sending an issue asks first: the list, the count after unsubscribes and suppressions,
the sender and the subject. The same confirmation posted twice (second click, back
button, replay) sends nothing more; an issue never goes twice to an address; a refused
start leaves no campaign behind. Messages are counted at a real SMTP server on loopback."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tisser.publications import services
from tisser.publications.models import Block, Campaign, Delivery, Subscription, Suppression

from .conftest import make_subscribers


@pytest.fixture(autouse=True)
def one_connection(settings):
    settings.TISSER_NEWSLETTER_CONNECTIONS = 1
    settings.TISSER_NEWSLETTER_MESSAGES_PER_SECOND = 0
    settings.TISSER_NEWSLETTER_FROM_EMAIL = "APES <infolettre@apes-hdf.org>"


@pytest.fixture
def audience(infolettre):
    """Five subscribers: one unsubscribed, one on the suppression list, three to write to."""
    people = make_subscribers(infolettre, 5)
    Subscription.objects.filter(person=people[0]).update(status="unsubscribed")
    Suppression.objects.create(email=people[1].email, reason="hard_bounce")
    return people


@pytest.fixture
def sends(django_capture_on_commit_callbacks):
    """Run a request and the work it queued after commit (the sending task, in-process)."""

    def run(method, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return method(*args, **kwargs)

    return run


def _key(page: str) -> str:
    return re.search(r'name="confirmation_key" value="([^"]+)"', page).group(1)


def test_the_confirmation_shows_who_will_receive_it_and_creates_nothing(
    client, role_users, simple_newsletter, audience
):
    client.force_login(role_users["editor"])
    url = reverse("publications:campaign_start", args=[simple_newsletter.pk])
    page = client.get(url).content.decode()
    assert "Infolettre de l&#x27;APES" in page
    assert "infolettre@apes-hdf.org" in page
    assert "Ce mois de juin sera solidaire !" in page
    assert re.search(r'send-subscribed">4<', page)  # five subscribed, one unsubscribed since
    assert re.search(r'send-unsubscribed">1<', page)
    assert re.search(r'send-suppressed">1<', page)
    assert re.search(r'send-recipients">3<', page)
    assert "Envoyer à 3 destinataires" in page
    assert not Campaign.objects.exists()
    # Posting without the confirmation's key shows the confirmation again.
    assert client.post(url).status_code == 400
    assert not Campaign.objects.exists()


def test_the_same_confirmation_twice_sends_once(
    client, role_users, simple_newsletter, audience, counting_smtp, sends
):
    client.force_login(role_users["editor"])
    url = reverse("publications:campaign_start", args=[simple_newsletter.pk])
    key = _key(client.get(url).content.decode())
    first = sends(client.post, url, {"confirmation_key": key})
    campaign = Campaign.objects.get()
    assert first["Location"] == reverse("publications:campaign", args=[campaign.pk])
    assert counting_smtp.total() == 3
    # The second click, the back button and a replay post the same key.
    for _ in range(2):
        again = sends(client.post, url, {"confirmation_key": key}, follow=True)
        assert "rien de plus n’a été envoyé" in again.content.decode()
    assert Campaign.objects.count() == 1
    assert counting_smtp.total() == 3
    assert {p.email for p in audience[2:]} == set(counting_smtp.by_recipient)


def test_a_later_send_goes_only_to_those_who_have_not_received_it(
    client, role_users, simple_newsletter, infolettre, audience, counting_smtp, sends
):
    client.force_login(role_users["editor"])
    url = reverse("publications:campaign_start", args=[simple_newsletter.pk])
    sends(client.post, url, {"confirmation_key": _key(client.get(url).content.decode())})
    assert counting_smtp.total() == 3
    newcomer = make_subscribers(infolettre, 1, prefix="nouvelle")[0]

    page = client.get(url).content.decode()
    assert re.search(r'send-already">3<', page)
    assert re.search(r'send-recipients">1<', page)
    assert "uniquement aux abonné·e·s qui ne l’ont pas reçu" in page
    sends(client.post, url, {"confirmation_key": _key(page)})
    assert counting_smtp.total() == 4
    assert counting_smtp.by_recipient[newcomer.email.lower()]
    assert all(len(ids) == 1 for ids in counting_smtp.by_recipient.values())
    later = Campaign.objects.order_by("id").last()
    assert later.total == 1 and later.status == Campaign.Status.SENT

    # Everybody has it now: nothing left to send, no button.
    page = client.get(url).content.decode()
    assert "Il ne reste personne" in page and "confirmation_key" not in page


def test_a_refused_start_leaves_no_campaign_behind(
    client, role_users, simple_newsletter, audience, counting_smtp
):
    # An older block holding a tag Tisser cannot fill (written before tags were checked).
    Block.objects.filter(newsletter=simple_newsletter).update(body="<p>{{ contact.TELEPHONE }}</p>")
    client.force_login(role_users["editor"])
    url = reverse("publications:campaign_start", args=[simple_newsletter.pk])
    page = client.get(url).content.decode()
    assert "contact.TELEPHONE" in page and "confirmation_key" not in page
    for _ in range(3):
        response = client.post(url, {"confirmation_key": "cle-de-test"})
        assert response.status_code == 400
        assert "contact.TELEPHONE" in response.content.decode()
    assert not Campaign.objects.exists()
    assert not Delivery.objects.exists()
    assert counting_smtp.total() == 0


def test_an_issue_being_sent_is_not_started_again(simple_newsletter, audience):
    """Two staff confirming at once (two keys): the second gets the first's campaign."""
    first, started = services.send_newsletter(simple_newsletter, confirmation_key="a")
    Campaign.objects.filter(pk=first.pk).update(status=Campaign.Status.PAUSED)
    second, started_again = services.send_newsletter(simple_newsletter, confirmation_key="b")
    assert started and not started_again and second.pk == first.pk
