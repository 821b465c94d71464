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


def test_a_double_submitted_membership_form_makes_one_of_each(live_server, years, colleges):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises whole transactions)")
    barrier = threading.Barrier(CLIENTS)
    statuses = []

    def submit():
        with httpx.Client(base_url=live_server.url, timeout=30) as browser:
            page = browser.get("/adhesion/")
            token = page.cookies["csrftoken"]
            data = {
                "csrfmiddlewaretoken": token,
                "year": str(years["current"].pk),
                "name": "Bazaar St So",
                "postcode": "59000",
                "commune": "Lille",
                "college": str(colleges["ess"].pk),
                "first_name": "Sam",
                "last_name": "So",
                "email": "sam@bazaar.example.org",
                "consent": "on",
            }
            barrier.wait()
            response = browser.post("/adhesion/", data=data, headers={"Referer": live_server.url})
            statuses.append(response.status_code)

    from tisser.territories.models import Commune, Departement, Region

    region = Region.objects.create(code="32", name="Hauts-de-France")
    nord = Departement.objects.create(code="59", name="Nord", region=region)
    Commune.objects.create(
        code="59350",
        name="Lille",
        search_name="lille",
        departement=nord,
        region=region,
        postcodes="59000",
    )
    threads = [threading.Thread(target=submit) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [302] * CLIENTS
    assert Organisation.objects.count() == 1
    assert Person.objects.count() == 1
    assert Membership.objects.count() == 1
