"""Outgoing webhooks: signed, sent after commit, retried, logged, re-sent, disabled after
repeated failures (administrators emailed); https only in production. Deliveries go to a
real HTTP receiver on loopback; one test uses a real worker process."""

import json
import time

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from tisser.core import webhooks
from tisser.core.models import WebhookDelivery, WebhookEndpoint

from .webhook_receiver import start_receiver

EVENT = "test.ping"


@pytest.fixture(autouse=True)
def test_event():
    webhooks.register_event(EVENT, "Ping")
    yield
    webhooks.EVENTS.pop(EVENT, None)


@pytest.fixture
def receiver():
    holder = {}
    server, state = start_receiver(lambda: holder["secret"])
    state.holder = holder
    yield state
    server.shutdown()
    server.server_close()


def endpoint_for(receiver, events=(EVENT,)):
    endpoint = webhooks.create_endpoint(url=receiver.url, events=list(events))
    receiver.holder["secret"] = endpoint.secret
    return endpoint


@pytest.mark.django_db(transaction=True)
def test_delivered_after_commit_signed_with_an_idempotency_key(receiver):
    endpoint = endpoint_for(receiver)
    with transaction.atomic():
        (delivery_id,) = webhooks.emit(EVENT, {"hello": "monde"})
        assert receiver.requests == []  # nothing leaves before the commit
    assert len(receiver.requests) == 1
    sent = receiver.requests[0]
    assert sent.valid
    body = json.loads(sent.body)
    assert body["event"] == EVENT and body["data"] == {"hello": "monde"}
    assert sent.headers["Tisser-Webhook-Id"] == body["id"]
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "delivered" and delivery.response_status == 200
    assert delivery.response_excerpt == "ok" and delivery.duration_ms is not None
    assert str(delivery.key) == body["id"] and delivery.endpoint == endpoint
    # The receiver's check refuses a changed body, another secret and an old timestamp.
    stamp = sent.headers["Tisser-Webhook-Timestamp"]
    signature = sent.headers["Tisser-Webhook-Signature"]
    assert not webhooks.verify(endpoint.secret, stamp, sent.body + b" ", signature)
    assert not webhooks.verify("whsec_other", stamp, sent.body, signature)
    old = str(int(stamp) - 3600)
    assert not webhooks.verify(
        endpoint.secret, old, sent.body, webhooks.sign(endpoint.secret, old, sent.body)
    )


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back(receiver):
    endpoint_for(receiver)
    with pytest.raises(RuntimeError), transaction.atomic():
        webhooks.emit(EVENT, {"x": 1})
        raise RuntimeError
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_only_listening_active_endpoints_get_an_event(receiver):
    webhooks.register_event("test.other", "Other")
    try:
        listening = endpoint_for(receiver)
        webhooks.create_endpoint(url=receiver.url, events=["test.other"])
        off = endpoint_for(receiver)
        webhooks.set_active(off, False)
        ids = webhooks.emit(EVENT, {})
        assert [d.endpoint for d in WebhookDelivery.objects.filter(pk__in=ids)] == [listening]
        with pytest.raises(ValueError):
            webhooks.emit("never.declared", {})
    finally:
        webhooks.EVENTS.pop("test.other", None)


@pytest.mark.django_db(transaction=True)
def test_failures_are_retried_then_the_endpoint_is_disabled_and_admins_told(
    receiver, settings, make_user
):
    make_user("admin@example.org", staff_role="admin")
    make_user("editeur@example.org", staff_role="editor")
    settings.TISSER_WEBHOOKS_DISABLE_AFTER = 8
    endpoint = endpoint_for(receiver)
    # Eager tasks: the retries (with their back-off countdown) run at once.
    receiver.statuses = [500, 503]
    (first,) = webhooks.emit(EVENT, {"n": 1})
    delivery = WebhookDelivery.objects.get(pk=first)
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert len({r.headers["Tisser-Webhook-Id"] for r in receiver.requests}) == 1
    endpoint.refresh_from_db()
    assert endpoint.failures == 0  # a success resets the count
    receiver.statuses = [500] * 20
    (second,) = webhooks.emit(EVENT, {"n": 2})
    delivery = WebhookDelivery.objects.get(pk=second)
    assert delivery.status == "failed" and delivery.attempts == webhooks.MAX_ATTEMPTS
    assert delivery.response_status == 500 and "down" in delivery.response_excerpt
    (third,) = webhooks.emit(EVENT, {"n": 3})
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert WebhookDelivery.objects.get(pk=third).attempts == 2  # stopped at the 8th failure
    assert [m.to for m in mail.outbox] == [["admin@example.org"]]
    assert receiver.url in mail.outbox[0].body
    assert webhooks.emit(EVENT, {"n": 4}) == []  # a disabled endpoint gets nothing


@pytest.mark.django_db(transaction=True)
def test_staff_see_the_log_and_send_one_again(client, receiver, make_user):
    admin = make_user("admin@example.org", staff_role="admin")
    client.force_login(admin)
    response = client.post(
        reverse("accounts:webhooks"),
        {"url": receiver.url, "events": [EVENT], "description": "Compta"},
    )
    endpoint = WebhookEndpoint.objects.get()
    receiver.holder["secret"] = endpoint.secret
    assert response.status_code == 302
    assert endpoint.secret in client.get(response["Location"]).content.decode()
    receiver.statuses = [500] * webhooks.MAX_ATTEMPTS
    (delivery_id,) = webhooks.emit(EVENT, {"n": 1})
    page = client.get(reverse("accounts:webhook", args=[endpoint.pk])).content.decode()
    assert "receiver is down" in page and EVENT in page
    client.post(reverse("accounts:webhook_resend", args=[delivery_id]))
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "delivered"
    keys = {r.headers["Tisser-Webhook-Id"] for r in receiver.requests}
    assert keys == {str(delivery.key)}  # the same key: the receiver can tell it is a re-send
    editor = make_user("editeur@example.org", staff_role="editor")
    client.force_login(editor)
    assert client.get(reverse("accounts:webhooks")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_https_is_required_unless_debugging(settings):
    settings.TISSER_WEBHOOKS_ALLOW_LOOPBACK = False
    settings.DEBUG = False
    for url in ("http://127.0.0.1:9/hook", "http://example.org/hook", "ftp://x.org/", "x"):
        with pytest.raises(ValidationError):
            webhooks.create_endpoint(url=url, events=[EVENT])
    assert webhooks.create_endpoint(url="https://compta.example.org/hook", events=[EVENT])
    with pytest.raises(ValidationError):
        webhooks.create_endpoint(url="https://compta.example.org/hook", events=["nope"])
    settings.TISSER_WEBHOOKS_ALLOW_LOOPBACK = True
    assert webhooks.create_endpoint(url="http://127.0.0.1:9/hook", events=[EVENT])
    with pytest.raises(ValidationError):
        webhooks.create_endpoint(url="http://example.org/hook", events=[EVENT])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers(receiver, celery_worker_process):
    endpoint_for(receiver)
    ids = webhooks.emit(EVENT, {"via": "worker"})
    deadline = time.monotonic() + 60
    while not receiver.requests and time.monotonic() < deadline:
        time.sleep(0.2)
    assert receiver.requests and receiver.requests[0].valid, (
        celery_worker_process.log_path.read_text()
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if WebhookDelivery.objects.get(pk=ids[0]).status == "delivered":
            break
        time.sleep(0.2)
    assert WebhookDelivery.objects.get(pk=ids[0]).status == "delivered"
