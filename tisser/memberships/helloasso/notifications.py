"""HelloAsso notifications (webhook): check, read, record.

Checks, in this order:
1. the signature: HelloAsso signs each notification with the signing key shown in its
   back-office; Tisser recomputes HMAC-SHA256(key, raw body), hex, and compares it in
   constant time with the `X-Ha-Signature` header. The key is
   `TISSER_HELLOASSO_WEBHOOK_SECRET`; without it the endpoint refuses everything.
2. when the API is configured (`TISSER_HELLOASSO_CLIENT_ID`…), each payment is fetched
   again from HelloAsso and only what the API says is recorded (amount, state, payer):
   a notification naming a payment HelloAsso does not know is refused.
Recording is idempotent (`recording.record`): replays and reorderings make one membership.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from decimal import Decimal

from django.conf import settings
from django.utils.dateparse import parse_datetime

from .recording import HelloAssoPayment

SIGNATURE_HEADER = "X-Ha-Signature"
PAID_STATES = {"Authorized", "Registered"}
REFUNDED_STATES = {"Refunded"}
MEMBERSHIP_TYPES = {"Membership", "Donation", "Payment"}
ORGANISATION_FIELDS = ("structure", "organisation", "organization", "raison sociale", "société")


class NotificationRefused(Exception):
    """A notification that is not HelloAsso's, or is unusable; the reason is logged."""


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_signature(body: bytes, signature: str) -> None:
    secret = getattr(settings, "TISSER_HELLOASSO_WEBHOOK_SECRET", "")
    if not secret:
        raise NotificationRefused("TISSER_HELLOASSO_WEBHOOK_SECRET is not set")
    if not signature or not hmac.compare_digest(sign(body, secret), signature.strip().lower()):
        raise NotificationRefused("bad signature")


def _cents(value) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def _date(value) -> datetime.date:
    parsed = parse_datetime(value or "") if value else None
    return parsed.date() if parsed else datetime.date.today()


def _custom(items: list, *names) -> str:
    for item in items or []:
        for custom in item.get("customFields") or []:
            label = (custom.get("name") or "").lower()
            if any(name in label for name in names) and custom.get("answer"):
                return str(custom["answer"]).strip()
    return ""


def _payment(data: dict, *, order: dict, payer: dict, items: list) -> HelloAssoPayment:
    labels = " ".join(str(x) for x in (order.get("formSlug"), *[i.get("name") for i in items]) if x)
    return HelloAssoPayment(
        payment_id=str(data["id"]),
        order_id=str(order.get("id") or ""),
        amount=_cents(data.get("amount")),
        paid_on=_date(data.get("date") or order.get("date")),
        email=(payer.get("email") or "").strip(),
        first_name=payer.get("firstName") or "",
        last_name=payer.get("lastName") or "",
        organisation=(payer.get("company") or "").strip() or _custom(items, *ORGANISATION_FIELDS),
        siret=_custom(items, "siret"),
        address=payer.get("address") or "",
        postcode=payer.get("zipCode") or "",
        city=payer.get("city") or "",
        form_label=labels,
    )


def _is_membership(order: dict, items: list) -> bool:
    form_type = order.get("formType") or ""
    return form_type == "Membership" or any(i.get("type") == "Membership" for i in items)


def payments_in(notification: dict, states=PAID_STATES) -> list[HelloAssoPayment]:
    """The membership payments in `states` (paid, by default) a notification (eventType
    Order or Payment) tells of."""
    event = notification.get("eventType")
    data = notification.get("data") or {}
    if event == "Payment":
        order = data.get("order") or {}
        items = data.get("items") or []
        if not _is_membership(order, items) or data.get("state") not in states:
            return []
        return [_payment(data, order=order, payer=data.get("payer") or {}, items=items)]
    if event == "Order":
        items = data.get("items") or []
        order = {
            "id": data.get("id"),
            "date": data.get("date"),
            "formSlug": data.get("formSlug"),
            "formType": data.get("formType"),
        }
        if not _is_membership(order, items):
            return []
        return [
            _payment(p, order=order, payer=data.get("payer") or {}, items=items)
            for p in data.get("payments") or []
            if p.get("state") in states and p.get("id")
        ]
    return []


def _api_state(payment: HelloAssoPayment, client) -> dict:
    from .client import HelloAssoNotFound

    try:
        return client.payment(payment.payment_id)
    except HelloAssoNotFound as error:
        raise NotificationRefused(f"unknown payment {payment.payment_id}") from error


def confirm(payment: HelloAssoPayment, client) -> HelloAssoPayment | None:
    """The payment as HelloAsso's API tells it (None: not a paid membership payment; if
    the API says it was refunded meanwhile, a recorded one is refunded here)."""
    data = _api_state(payment, client)
    found = payments_in({"eventType": "Payment", "data": data})
    if not found and data.get("state") in REFUNDED_STATES:
        _refund(payment)
    return found[0] if found else None


def _refund(payment: HelloAssoPayment) -> None:
    from .. import services
    from .recording import already_recorded

    recorded = already_recorded(payment)
    if recorded is not None:
        services.refund_payment(recorded, note="HelloAsso: remboursé")


def handle(body: bytes, signature: str, *, client=None) -> list:
    """Check and record a notification; the memberships it concerns (possibly none)."""
    import json

    from . import recording

    check_signature(body, signature)
    try:
        notification = json.loads(body)
    except ValueError as error:
        raise NotificationRefused("not JSON") from error
    if not isinstance(notification, dict):
        raise NotificationRefused("not an object")
    try:
        payments = payments_in(notification)
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise NotificationRefused(f"unreadable notification: {error}") from error
    try:
        refunds = payments_in(notification, REFUNDED_STATES)
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise NotificationRefused(f"unreadable notification: {error}") from error
    for refund in refunds:
        if client is not None and _api_state(refund, client).get("state") not in REFUNDED_STATES:
            continue  # the API does not confirm the refund
        _refund(refund)
    memberships = []
    for payment in payments:
        if client is not None:
            payment = confirm(payment, client)
            if payment is None:
                continue
        if not payment.email:
            raise NotificationRefused("payment without payer email")
        membership, _created = recording.record(payment)
        memberships.append(membership)
    return memberships


def catch_up(client, since=None) -> dict:
    """Record the paid membership payments HelloAsso's API lists (since a date): what a
    lost notification missed. Idempotent like the webhook."""
    from . import recording

    seen = recorded = 0
    for data in client.organization_payments(since=since):
        for payment in payments_in({"eventType": "Payment", "data": data}):
            seen += 1
            if payment.email:
                _membership, created = recording.record(payment)
                recorded += int(created)
    return {"seen": seen, "recorded": recorded}
