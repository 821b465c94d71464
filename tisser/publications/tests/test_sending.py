"""The sending engine in this process, to a real SMTP server on loopback: headers,
merge tags, one message per recipient, the suppression list, unsubscribes, bounces."""

from __future__ import annotations

import pytest
from django.core import signing
from django.urls import reverse

from tisser.publications import services
from tisser.publications import services_subscribers as subscribers
from tisser.publications.models import Campaign, Delivery, Subscription, Suppression
from tisser.publications.queries import campaign_stats
from tisser.publications.sending import engine, preparation
from tisser.publications.sending.mime import unsubscribe_token

from .conftest import make_subscribers


@pytest.fixture(autouse=True)
def one_connection(settings):
    # Threads would each open their own database connection, which cannot see this
    # test's transaction: the threaded path is exercised by the worker tests.
    settings.TISSER_NEWSLETTER_CONNECTIONS = 1
    settings.TISSER_NEWSLETTER_MESSAGES_PER_SECOND = 0


def send(newsletter, capture):
    campaign = services.create_campaign(newsletter)
    with capture(execute=True):
        services.start_campaign(campaign)
    campaign.refresh_from_db()
    return campaign


def test_each_subscriber_gets_one_message_with_unsubscribe_headers(
    simple_newsletter, infolettre, counting_smtp, django_capture_on_commit_callbacks
):
    people = make_subscribers(infolettre, 12)
    campaign = send(simple_newsletter, django_capture_on_commit_callbacks)

    assert campaign.status == Campaign.Status.SENT
    assert counting_smtp.total() == 12
    assert set(counting_smtp.by_recipient) == {p.email for p in people}
    assert all(count == 1 for count in counting_smtp.by_message_id.values())
    message = counting_smtp.messages[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http")
    assert message["Subject"] == "Ce mois de juin sera solidaire !"
    stats = campaign_stats(campaign)
    assert stats["sent"] == 12 and stats["failed"] == 0 and stats["percent"] == 100


def test_merge_tags_are_filled_with_fallbacks(
    simple_newsletter, infolettre, counting_smtp, django_capture_on_commit_callbacks
):
    from tisser.directory.models import Affiliation, Organisation

    people = make_subscribers(infolettre, 2)  # Nom0 has no first name, Prénom1 has one
    org = Organisation.objects.create(name="Coop Manau", slug="coop-manau")
    Affiliation.objects.create(person=people[1], organisation=org)
    send(simple_newsletter, django_capture_on_commit_callbacks)
    by_to = {m["To"].addresses[0].addr_spec: m for m in counting_smtp.messages}
    first = by_to[people[0].email]
    second = by_to[people[1].email]
    text0 = first.get_body(("plain",)).get_content()
    text1 = second.get_body(("plain",)).get_content()
    html1 = second.get_body(("html",)).get_content()
    assert "Bonjour à vous" in text0 and "(aucune)" in text0
    assert "Bonjour Prénom1" in text1 and "Coop Manau" in text1 and "Coop Manau" in html1
    assert f"Ce message a été envoyé à {people[1].email}" in text1
    assert "{{" not in text1 and "{{" not in html1


def test_suppressed_and_unsubscribed_addresses_get_nothing(
    simple_newsletter, infolettre, counting_smtp, django_capture_on_commit_callbacks
):
    people = make_subscribers(infolettre, 5)
    subscribers.suppress(people[0].email, reason=Suppression.Reason.HARD_BOUNCE)
    subscribers.unsubscribe(people[1], infolettre, how="link")
    send(simple_newsletter, django_capture_on_commit_callbacks)
    assert set(counting_smtp.by_recipient) == {p.email for p in people[2:]}


def test_unsubscribe_during_sending_is_honoured_for_unsent_messages(
    simple_newsletter, infolettre, counting_smtp
):
    people = make_subscribers(infolettre, 6)
    campaign = services.create_campaign(simple_newsletter)
    parts = __import__("tisser.publications.rendering", fromlist=["x"]).render_email(
        simple_newsletter
    )
    preparation.prepare_campaign(campaign.pk, html=parts["html"], text=parts["text"])
    # Two deliveries already claimed by a connection, then both people unsubscribe.
    claimed = engine.claim(campaign.pk, "token", 2)
    subscribers.unsubscribe(people[0], infolettre, how="link")  # claimed: checked again
    subscribers.unsubscribe(people[5], infolettre, how="link")  # pending: skipped at once
    assert Delivery.objects.get(campaign=campaign, email=people[5].email).status == "skipped"
    left = engine.drop_unwanted(campaign, claimed)
    assert [d.email for d in left] == [people[1].email]
    engine.release([d.id for d in left], "token")  # as a connection giving them back
    assert engine.send_for(campaign.pk) == engine.Outcome.DONE
    assert set(counting_smtp.by_recipient) == {p.email for p in people[1:5]}


def test_one_click_unsubscribe_post_and_replay(
    client, simple_newsletter, infolettre, counting_smtp, django_capture_on_commit_callbacks
):
    people = make_subscribers(infolettre, 1)
    campaign = send(simple_newsletter, django_capture_on_commit_callbacks)
    url = str(counting_smtp.messages[0]["List-Unsubscribe"]).strip("<>")
    path = url.replace("http://127.0.0.1:8000", "")
    # RFC 8058: the mail program POSTs this body, with no cookie and no CSRF token.
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription = Subscription.objects.get(person=people[0], mailing_list=infolettre)
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    assert people[0].consents.filter(purpose="newsletter", given=False).exists()
    assert campaign_stats(campaign)["unsubscribed"] == 1
    again = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200 and "déjà" in again.content.decode()


def test_forged_unsubscribe_token_is_refused_clearly(client, db):
    token = unsubscribe_token(1)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.post(reverse("publications:unsubscribe", kwargs={"token": forged}))
    assert response.status_code == 400
    assert "pas valide" in response.content.decode()
    with pytest.raises(signing.BadSignature):
        signing.Signer(salt="other").unsign(token)


def test_message_ids_are_unique_and_deterministic(
    simple_newsletter, infolettre, counting_smtp, django_capture_on_commit_callbacks
):
    make_subscribers(infolettre, 4)
    campaign = send(simple_newsletter, django_capture_on_commit_callbacks)
    ids = list(counting_smtp.by_message_id)
    assert len(set(ids)) == 4
    from tisser.publications.sending.mime import message_id

    for delivery in Delivery.objects.filter(campaign=campaign):
        assert delivery.message_id == message_id(campaign.pk, delivery.pk, "tisser.localhost")
        assert delivery.message_id in ids


def test_unknown_merge_tag_is_refused_at_composition(simple_newsletter):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.add_block(
            simple_newsletter, {"kind": "text", "title": "Hi", "body": "{{ contact.SHOESIZE }}"}
        )
    assert "contact.SHOESIZE" in str(error.value)


def test_dkim_signature_verifies_when_a_key_is_configured(
    settings, simple_newsletter, infolettre, counting_smtp, django_capture_on_commit_callbacks
):
    import shutil
    import subprocess

    dkim = pytest.importorskip("dkim")
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed (needed to make a test key)")
    pem = subprocess.run(
        ["openssl", "genrsa", "2048"], check=True, capture_output=True
    ).stdout.decode()
    public = subprocess.run(
        ["openssl", "rsa", "-pubout", "-outform", "DER"],
        input=pem.encode(), check=True, capture_output=True,
    ).stdout  # fmt: skip
    settings.TISSER_DKIM_PRIVATE_KEY = pem
    settings.TISSER_DKIM_SELECTOR = "tisser"
    settings.TISSER_DKIM_DOMAIN = "tisser.localhost"
    make_subscribers(infolettre, 1)
    send(simple_newsletter, django_capture_on_commit_callbacks)
    raw = counting_smtp.raw[0]
    import base64

    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: record)


DSN = b"""From: MAILER-DAEMON@mx.exemple.fr\r
To: noreply@tisser.localhost\r
Subject: Undelivered Mail Returned to Sender\r
MIME-Version: 1.0\r
Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r
\r
--B\r
Content-Type: text/plain\r
\r
Delivery failed.\r
--B\r
Content-Type: message/delivery-status\r
\r
Reporting-MTA: dns; mx.exemple.fr\r
\r
Final-Recipient: rfc822; %(email)s\r
Action: failed\r
Status: 5.1.1\r
\r
--B\r
Content-Type: text/rfc822-headers\r
\r
Message-ID: %(mid)s\r
Subject: Ce mois de juin sera solidaire !\r
\r
--B--\r
"""


def test_hard_bounce_from_a_dsn_suppresses_the_address(
    simple_newsletter, infolettre, counting_smtp, django_capture_on_commit_callbacks
):
    from tisser.publications.sending.bounces import process_dsn

    people = make_subscribers(infolettre, 2)
    campaign = send(simple_newsletter, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(campaign=campaign, email=people[0].email)
    reports = process_dsn(
        DSN % {b"email": people[0].email.encode(), b"mid": delivery.message_id.encode()}
    )
    assert reports[0]["hard"] is True
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.BOUNCED
    assert Suppression.objects.filter(email=people[0].email, reason="hard_bounce").exists()
    assert campaign_stats(campaign)["bounced"] == 1
    # No import can override it: the next campaign leaves the address out.
    counting_smtp.by_recipient.clear()
    newsletter2 = services.create_newsletter(mailing_list=infolettre, title="Suite")
    send(newsletter2, django_capture_on_commit_callbacks)
    assert set(counting_smtp.by_recipient) == {people[1].email}


def test_soft_bounce_does_not_suppress(
    simple_newsletter, infolettre, counting_smtp, django_capture_on_commit_callbacks
):
    from tisser.publications.sending.bounces import process_dsn

    people = make_subscribers(infolettre, 1)
    send(simple_newsletter, django_capture_on_commit_callbacks)
    dsn = (DSN % {b"email": people[0].email.encode(), b"mid": b"<x@y>"}).replace(
        b"Action: failed\r\nStatus: 5.1.1", b"Action: delayed\r\nStatus: 4.2.2"
    )
    assert process_dsn(dsn)[0]["hard"] is False
    assert not Suppression.objects.exists()


def test_anymail_tracking_webhook_bounce_suppresses(client, settings, infolettre, db):
    import json

    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    make_subscribers(infolettre, 1)
    payload = {
        "event": "hard_bounce",
        "email": "abonne0@exemple.fr",
        "message-id": "<tisser.1.1.abc@tisser.localhost>",
        "reason": "unknown user",
        "date": "2026-05-28 10:00:00",
        "ts_event": 1780000000,
    }
    import base64

    auth = "Basic " + base64.b64encode(b"hook:secret").decode()
    response = client.post(
        reverse("publications:anymail_tracking", kwargs={"esp": "brevo"}),
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 200
    assert Suppression.objects.filter(email="abonne0@exemple.fr").exists()
    assert Subscription.objects.get(person__email="abonne0@exemple.fr").status == "unsubscribed"


def test_progress_fragment_polls_while_sending_and_stops_when_sent(
    client, role_users, simple_newsletter, infolettre, counting_smtp
):
    from tisser.publications.rendering import render_email

    make_subscribers(infolettre, 3)
    campaign = services.create_campaign(simple_newsletter)
    parts = render_email(simple_newsletter)
    preparation.prepare_campaign(campaign.pk, html=parts["html"], text=parts["text"])
    client.force_login(role_users["editor"])
    url = reverse("publications:campaign_progress", args=[campaign.pk])
    sending = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in sending and "0 envoyé sur 3" in sending
    engine.send_for(campaign.pk)
    done = client.get(url).content.decode()
    assert "hx-trigger" not in done and "3 envoyés sur 3" in done and "Envoyée" in done


def test_a_long_accented_subject_is_folded_with_crlf_only(
    simple_newsletter, infolettre, counting_smtp, django_capture_on_commit_callbacks
):
    simple_newsletter.subject = "Rencontre des Solidaires, économie solidaire, qualité de vie, " * 3
    simple_newsletter.save()
    make_subscribers(infolettre, 1)
    send(simple_newsletter, django_capture_on_commit_callbacks)
    raw = counting_smtp.raw[0]
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\n" not in head.replace(b"\r\n", b"")  # no bare line feed
    assert str(counting_smtp.messages[0]["Subject"]).strip() == simple_newsletter.subject.strip()
