"""A notification HelloAsso signed but of an unexpected shape gets a 400 with the reason
(never a 500, which HelloAsso would retry forever), records nothing, and is kept for
staff on the HelloAsso page with what was sent; a forged one is refused and not kept."""

import json

import pytest

from tisser.memberships.models import Membership, Payment, RefusedNotification

from .helloasso_fakes import notification, order_data, payment_data, signed

pytestmark = pytest.mark.django_db
URL = "/webhooks/helloasso/"


def post(client, body: bytes, headers=None):
    return client.post(URL, body, content_type="application/json", **(headers or {}))


def shape(event="Payment", **changes) -> bytes:
    data = payment_data() if event == "Payment" else order_data()
    for path, value in changes.items():
        target = data
        *parents, last = path.split("__")
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[last] = value
    return notification(event, data)


UNEXPECTED = {
    "data is a list": (
        notification("Payment", [payment_data()]),
        "data est une liste, pas un objet",
    ),
    "payer is a string": (shape(payer="Camille Durand"), "data.payer est une chaîne, pas un objet"),
    "10^20 cents": (shape(amount=10**20), "data.amount doit être compris entre 0 et"),
    "a fractional amount": (shape(amount=12.5), "data.amount doit être un nombre entier"),
    "an amount as text": (shape(amount="50"), "data.amount doit être un nombre entier"),
    "invalid email": (
        shape(payer__email="pas-une-adresse"),
        "data.payer.email n’est pas une adresse e-mail valide",
    ),
    "NUL in a name": (
        shape(payer__lastName="Dur\x00and"),
        "data.payer.lastName contient un caractère NUL",
    ),
    "overlong name": (
        shape(payer__firstName="C" * 5000),
        "data.payer.firstName dépasse 100 caractères",
    ),
    "items is an object": (
        shape(items={"type": "Membership"}),
        "data.items est un objet, pas une liste",
    ),
    "an item is a number": (shape(items=[3]), "data.items[0] est un nombre, pas un objet"),
    "order is a string": (shape(order="8801"), "data.order est une chaîne, pas un objet"),
    "a date that is not one": (shape(date="2026-13-45T99:00:00"), "data.date n’est pas une date"),
    "no payment id": (shape(id=None), "data n’a pas d’identifiant"),
    "payments is a string (Order)": (
        shape("Order", payments="5201"),
        "data.payments est une chaîne, pas une liste",
    ),
    "a payment is a list (Order)": (
        shape("Order", payments=[[5201]]),
        "data.payments[0] est une liste, pas un objet",
    ),
    "not JSON": (b"{'eventType': 'Payment'", "pas du JSON"),
    "a JSON list": (b"[1, 2]", "pas un objet JSON"),
    "NUL byte in the raw body": (
        notification("Payment", payment_data()).replace(b"Camille", b"Cam\x00ille"),
        "pas du JSON",
    ),
}


@pytest.mark.parametrize("name", UNEXPECTED)
def test_a_signed_notification_of_an_unexpected_shape_is_a_400_kept_for_staff(
    client, helloasso_secret, name
):
    body, reason = UNEXPECTED[name]
    response = post(client, body, signed(body))
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "bad_request")
    assert reason in error["message"]
    assert not Membership.objects.exists() and not Payment.objects.exists()
    kept = RefusedNotification.objects.get()
    assert bytes(kept.body) == body and kept.reason == error["message"]


def test_an_unexpected_state_or_event_type_is_acknowledged_not_refused(client, helloasso_secret):
    """Shapes HelloAsso may send that are not payments (another event, a list as state)."""
    for body in (
        notification("Form", {"anything": [1, 2]}),
        json.dumps({"eventType": ["Payment"], "data": 3}).encode(),
        shape(state=["Authorized"]),
    ):
        response = post(client, body, signed(body))
        assert response.status_code == 200 and response.json() == {"memberships": []}
    assert not RefusedNotification.objects.exists()


def test_a_foreign_postcode_and_a_mistyped_siret_do_not_lose_the_payment(client, helloasso_secret):
    data = order_data()
    data["payer"]["zipCode"] = "B-7000"
    data["items"][0]["customFields"][1]["answer"] = "123 456 789 00012 (je crois)"
    body = notification("Order", data)
    assert post(client, body, signed(body)).status_code == 200
    org = Membership.objects.get().organisation
    assert org.postcode == "" and org.siret == ""


def test_a_forged_notification_of_any_shape_is_refused_and_not_kept(client, helloasso_secret):
    body = notification("Payment", [payment_data()])
    response = post(client, body, signed(body, "autre-cle"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not RefusedNotification.objects.exists()


def test_staff_see_refused_notifications_with_the_raw_body(client, helloasso_secret, role_users):
    body = shape(payer="Camille Durand")
    post(client, body, signed(body))
    page = "/gestion/adhesions/import-helloasso/"
    client.force_login(role_users["editor"])
    html = client.get(page).content.decode()
    assert "Notifications HelloAsso refusées" in html
    assert "data.payer est une chaîne" in html  # the reason, in French
    assert "Camille Durand" in html  # what HelloAsso sent
    for role in ("public", "representative", "member"):
        client.force_login(role_users[role])
        assert client.get(page).status_code in (302, 403)
