"""HelloAsso's webhook: signed notifications record one validated membership, however
often and in whatever order they come; forged ones are refused and change nothing."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from tisser.directory.contacts.services import create_organisation
from tisser.directory.models import Organisation, Person
from tisser.memberships import queries
from tisser.memberships.models import Membership, Payment

from .helloasso_fakes import notification, order_data, payment_data, signed

pytestmark = pytest.mark.django_db
URL = "/webhooks/helloasso/"


def post(client, body: bytes, headers=None):
    return client.post(URL, body, content_type="application/json", **(headers or {}))


def test_url_name():
    assert reverse("memberships:helloasso_webhook") == URL


def test_a_signed_payment_makes_a_validated_membership(client, helloasso_secret):
    body = notification("Payment", payment_data())
    response = post(client, body, signed(body))
    assert response.status_code == 200, response.content
    membership = Membership.objects.get()
    org = membership.organisation
    assert org.name == "Les Anges Gardins" and org.commune is None  # no territories loaded
    assert membership.year.year == 2026  # named by the form, "adhesion-2026"
    assert membership.status == "validated" and membership.source == "helloasso"
    assert membership.representative.email == "contact@anges-gardins.example.org"
    # The payer only claims to represent the organisation (staff or its representative
    # confirm it); the money still validates the membership.
    link = org.affiliations.get()
    assert (link.status, link.source, link.claims_representation) == ("claimed", "payment", True)
    assert not link.is_representative
    payment = Payment.objects.get()
    assert (payment.amount, payment.method, payment.external_id) == (
        Decimal("50.00"),
        "helloasso",
        "5201",
    )
    assert payment.reference == "helloasso-order:8801"
    assert queries.is_member(org, on=membership.year.starts_on)


def test_replayed_notifications_make_one_membership(client, helloasso_secret):
    body = notification("Payment", payment_data())
    for _ in range(3):
        assert post(client, body, signed(body)).status_code == 200
    assert Membership.objects.count() == 1
    assert Payment.objects.count() == 1
    assert Organisation.objects.count() == 1
    assert Person.objects.count() == 1


@pytest.mark.parametrize("first", ["Order", "Payment"])
def test_order_and_payment_notifications_in_any_order(client, helloasso_secret, first):
    bodies = {
        "Order": notification("Order", order_data()),
        "Payment": notification("Payment", payment_data()),
    }
    second = "Payment" if first == "Order" else "Order"
    for event in (first, second, first):
        assert post(client, bodies[event], signed(bodies[event])).status_code == 200
    assert Membership.objects.count() == 1
    assert Payment.objects.count() == 1
    assert Membership.objects.get().status == "validated"


def test_an_unpaid_state_records_nothing_then_the_paid_one_does(client, helloasso_secret):
    pending = notification("Payment", payment_data(state="Pending"))
    assert post(client, pending, signed(pending)).status_code == 200
    assert not Membership.objects.exists()
    paid = notification("Payment", payment_data())
    assert post(client, paid, signed(paid)).status_code == 200
    assert Membership.objects.count() == 1


def test_an_existing_organisation_is_found_not_duplicated(client, helloasso_secret):
    existing = create_organisation({"name": "Les Anges Gardins"})
    body = notification("Payment", payment_data())
    post(client, body, signed(body))
    assert Organisation.objects.count() == 1
    assert Membership.objects.get().organisation == existing


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_X_HA_SIGNATURE": "0" * 64},
        {"HTTP_X_HA_SIGNATURE": "not hex"},
    ],
    ids=["unsigned", "wrong signature", "garbage"],
)
def test_forged_notifications_are_refused(client, helloasso_secret, headers):
    body = notification("Payment", payment_data())
    assert post(client, body, headers).status_code == 403
    assert not Membership.objects.exists() and not Organisation.objects.exists()


def test_a_tampered_body_is_refused(client, helloasso_secret):
    body = notification("Payment", payment_data(amount_cents=5000))
    headers = signed(body)
    tampered = body.replace(b'"amount": 5000', b'"amount": 1')
    assert tampered != body
    assert post(client, tampered, headers).status_code == 403
    assert not Payment.objects.exists()


def test_signed_with_another_key_is_refused(client, helloasso_secret):
    body = notification("Payment", payment_data())
    assert post(client, body, signed(body, "autre-cle")).status_code == 403


def test_without_a_configured_secret_everything_is_refused(client, settings):
    settings.TISSER_HELLOASSO_WEBHOOK_SECRET = ""
    body = notification("Payment", payment_data())
    assert post(client, body, signed(body, "")).status_code == 403
    assert not Membership.objects.exists()


def test_signed_but_not_json_is_a_400_kept_for_staff(client, helloasso_secret):
    """HelloAsso's, but unusable: see test_helloasso_webhook_shapes.py for every shape."""
    body = b"{not json"
    assert post(client, body, signed(body)).status_code == 400


def test_other_events_are_acknowledged_and_ignored(client, helloasso_secret):
    body = json.dumps({"eventType": "Form", "data": {"formSlug": "x"}}).encode()
    response = post(client, body, signed(body))
    assert response.status_code == 200 and response.json() == {"memberships": []}


# --- with the API configured: each payment is confirmed by HelloAsso ---------------


def test_the_api_confirms_and_its_amount_wins(client, helloasso_secret, fake_helloasso):
    fake_helloasso.payments[5201] = payment_data(amount_cents=8000)
    body = notification("Payment", payment_data(amount_cents=100))  # says 1 €
    assert post(client, body, signed(body)).status_code == 200
    assert Payment.objects.get().amount == Decimal("80.00")
    assert "/v5/payments/5201" in fake_helloasso.requests


def test_a_payment_unknown_to_the_api_is_refused(client, helloasso_secret, fake_helloasso):
    body = notification("Payment", payment_data(payment_id=999))
    assert post(client, body, signed(body)).status_code == 403
    assert not Membership.objects.exists()


def test_a_payment_the_api_says_is_refunded_is_not_recorded(
    client, helloasso_secret, fake_helloasso
):
    fake_helloasso.payments[5201] = payment_data(state="Refunded")
    body = notification("Payment", payment_data())
    assert post(client, body, signed(body)).status_code == 200
    assert not Membership.objects.exists()


def test_api_down_answers_503_so_helloasso_retries(client, helloasso_secret, fake_helloasso):
    fake_helloasso.fail = True
    body = notification("Payment", payment_data())
    assert post(client, body, signed(body)).status_code == 503
    assert not Membership.objects.exists()
    fake_helloasso.fail = False
    fake_helloasso.payments[5201] = payment_data()
    assert post(client, body, signed(body)).status_code == 200  # the retry
    assert Membership.objects.count() == 1


# --- refunds -------------------------------------------------------------------------


def test_a_refund_cancels_the_membership_once(client, helloasso_secret):
    paid = notification("Payment", payment_data())
    post(client, paid, signed(paid))
    org = Membership.objects.get().organisation
    org.refresh_from_db()
    assert org.is_member
    refunded = notification("Payment", payment_data(state="Refunded"))
    for _ in range(2):
        assert post(client, refunded, signed(refunded)).status_code == 200
    membership = Membership.objects.get()
    assert membership.status == "cancelled"
    assert Payment.objects.get().refunded_on is not None
    org.refresh_from_db()
    assert not org.is_member
    # the paid notification replayed after the refund does not bring it back
    post(client, paid, signed(paid))
    assert Membership.objects.get().status == "cancelled"
    assert Membership.objects.count() == 1


def test_a_refund_of_an_unknown_payment_changes_nothing(client, helloasso_secret):
    refunded = notification("Payment", payment_data(state="Refunded"))
    assert post(client, refunded, signed(refunded)).status_code == 200
    assert not Membership.objects.exists()


def test_a_forged_refund_is_refused(client, helloasso_secret):
    paid = notification("Payment", payment_data())
    post(client, paid, signed(paid))
    refunded = notification("Payment", payment_data(state="Refunded"))
    assert post(client, refunded, signed(refunded, "autre-cle")).status_code == 403
    assert Membership.objects.get().status == "validated"


def test_with_the_api_a_refund_it_does_not_confirm_is_ignored(
    client, helloasso_secret, fake_helloasso
):
    fake_helloasso.payments[5201] = payment_data()
    paid = notification("Payment", payment_data())
    post(client, paid, signed(paid))
    refunded = notification("Payment", payment_data(state="Refunded"))
    assert post(client, refunded, signed(refunded)).status_code == 200
    assert Membership.objects.get().status == "validated"  # the API still says Authorized
    fake_helloasso.payments[5201] = payment_data(state="Refunded")
    post(client, paid, signed(paid))  # a late "paid" notification: the API says refunded
    assert Membership.objects.get().status == "cancelled"
