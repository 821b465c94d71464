"""HelloAsso delivering the same payment several times at once (its retries racing the
first delivery): real concurrent HTTP clients against PostgreSQL, one membership."""

import threading

import httpx
import pytest
from django.db import connection

from tisser.directory.models import Organisation, Person
from tisser.memberships import services
from tisser.memberships.models import Membership, Payment

from .helloasso_fakes import notification, order_data, payment_data, signed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CLIENTS = 8


def test_concurrent_deliveries_make_one_membership(live_server, helloasso_secret):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises whole transactions)")
    services.ensure_year(2026)  # as in real life: the year exists before its payments
    bodies = [
        notification("Payment", payment_data()),
        notification("Order", order_data()),
    ]
    barrier = threading.Barrier(CLIENTS)
    statuses = []

    def deliver(n):
        body = bodies[n % 2]
        headers = {
            "Content-Type": "application/json",
            "X-Ha-Signature": signed(body)["HTTP_X_HA_SIGNATURE"],
        }
        barrier.wait()
        response = httpx.post(
            f"{live_server.url}/webhooks/helloasso/", content=body, headers=headers, timeout=30
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * CLIENTS
    assert Membership.objects.count() == 1
    assert Payment.objects.count() == 1
    assert Organisation.objects.count() == 1
    assert Person.objects.count() == 1
