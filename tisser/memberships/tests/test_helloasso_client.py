"""The HelloAsso API client against a real HTTP server on loopback."""

import datetime

import httpx
import pytest

from tisser.memberships.helloasso.client import (
    HelloAssoClient,
    HelloAssoError,
    HelloAssoNotFound,
)

from .helloasso_fakes import FakeHelloAsso, payment_data


@pytest.fixture
def fake():
    with FakeHelloAsso() as server:
        yield server


def client_for(fake, **extra):
    return HelloAssoClient(
        base_url=fake.url,
        client_id=extra.pop("client_id", fake.CLIENT_ID),
        client_secret=extra.pop("client_secret", fake.CLIENT_SECRET),
        organization_slug="apes-hauts-de-france",
        **extra,
    )


def test_token_is_fetched_once_and_reused(fake):
    fake.payments[1] = payment_data(payment_id=1)
    fake.payments[2] = payment_data(payment_id=2)
    with client_for(fake) as client:
        assert client.payment(1)["id"] == 1
        assert client.payment(2)["id"] == 2
    assert fake.token_requests == 1


def test_a_revoked_token_is_renewed_once(fake):
    fake.payments[1] = payment_data(payment_id=1)
    with client_for(fake) as client:
        client.payment(1)
        fake.expire_next = True
        assert client.payment(1)["id"] == 1
    assert fake.token_requests == 2


def test_bad_credentials_raise(fake):
    with client_for(fake, client_secret="faux") as client, pytest.raises(HelloAssoError):
        client.payment(1)


def test_unknown_payment_raises_not_found(fake):
    with client_for(fake) as client, pytest.raises(HelloAssoNotFound):
        client.payment(404)


def test_server_errors_raise(fake):
    fake.fail = True
    with client_for(fake) as client, pytest.raises(HelloAssoError):
        client.payment(1)


def test_payments_follow_the_continuation_token(fake):
    for pid in range(1, 8):
        fake.payments[pid] = payment_data(payment_id=pid)
    with client_for(fake) as client:
        ids = [
            p["id"]
            for p in client.organization_payments(page_size=3, since=datetime.date(2026, 1, 1))
        ]
    assert ids == list(range(1, 8))
    assert fake.requests.count("/v5/organizations/apes-hauts-de-france/payments") == 3


def test_an_unreachable_server_times_out_as_an_error():
    # A listening socket that never answers: the read timeout must fire.
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        client = HelloAssoClient(
            base_url=url, client_id="a", client_secret="b", timeout=httpx.Timeout(0.5)
        )
        with pytest.raises(HelloAssoError):
            client.payment(1)
        client.close()


def test_from_settings_needs_credentials(settings):
    settings.TISSER_HELLOASSO_CLIENT_ID = ""
    assert HelloAssoClient.from_settings() is None
    settings.TISSER_HELLOASSO_CLIENT_ID = "id"
    settings.TISSER_HELLOASSO_CLIENT_SECRET = "secret"
    client = HelloAssoClient.from_settings()
    assert client is not None
    client.close()


@pytest.mark.django_db
def test_sync_command_records_what_notifications_missed(fake_helloasso):
    from io import StringIO

    from django.core.management import call_command

    from tisser.memberships.models import Membership

    fake_helloasso.payments[1] = payment_data(payment_id=1, order_id=11)
    fake_helloasso.payments[2] = payment_data(
        payment_id=2, order_id=12, company="APRR", email="lou@aprr.example.org"
    )
    fake_helloasso.payments[3] = payment_data(payment_id=3, order_id=13, state="Refunded")
    out = StringIO()
    call_command("helloasso_sync", "--since", "2026-01-01", stdout=out)
    assert "2 membership payments on HelloAsso, 2 new" in out.getvalue()
    assert Membership.objects.filter(status="validated").count() == 2
    call_command("helloasso_sync", stdout=out)
    assert Membership.objects.count() == 2
