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
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from tisser.directory.siret import is_valid_siret, normalise_siret

from .recording import HelloAssoPayment

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Ha-Signature"
PAID_STATES = {"Authorized", "Registered"}
REFUNDED_STATES = {"Refunded"}
MEMBERSHIP_TYPES = {"Membership", "Donation", "Payment"}
ORGANISATION_FIELDS = ("structure", "organisation", "organization", "raison sociale", "société")


class NotificationRefused(Exception):
    """A notification that is not HelloAsso's (no or a wrong signature), or that names a
    payment HelloAsso's API does not know: 403, and nothing is kept."""


class NotificationUnreadable(Exception):
    """A notification signed by HelloAsso but of a shape Tisser cannot use (data as a
    list, an amount no account holds, an invalid email…): 400 with this reason, and the
    notification is kept for staff to see (`RefusedNotification`)."""


#: The largest amount a `Payment` holds (9 digits, 2 after the point), in cents.
MAX_CENTS = 999_999_999
#: The longest text each field may carry, as the columns it ends in.
TEXT_LIMITS = {"id": 64, "name": 100, "company": 200, "address": 250, "city": 100}


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_signature(body: bytes, signature: str) -> None:
    secret = getattr(settings, "TISSER_HELLOASSO_WEBHOOK_SECRET", "")
    if not secret:
        raise NotificationRefused("TISSER_HELLOASSO_WEBHOOK_SECRET is not set")
    if not signature or not hmac.compare_digest(sign(body, secret), signature.strip().lower()):
        raise NotificationRefused("bad signature")


def _kind(value) -> str:
    return {
        bool: _("a boolean"),
        int: _("a number"),
        float: _("a number"),
        str: _("a string"),
        list: _("a list"),
        dict: _("an object"),
    }.get(type(value), _("null"))


def _unreadable(message: str, **values):
    raise NotificationUnreadable(message % values)


def _object(value, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        _unreadable(_("%(where)s is %(kind)s, not an object."), where=where, kind=_kind(value))
    return value


def _objects(value, where: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        _unreadable(_("%(where)s is %(kind)s, not a list."), where=where, kind=_kind(value))
    return [_object(item, f"{where}[{i}]") for i, item in enumerate(value)]


def _text(value, where: str, limit: int = TEXT_LIMITS["name"]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        _unreadable(_("%(where)s is %(kind)s, not a text."), where=where, kind=_kind(value))
    text = str(value).strip()
    if "\x00" in text:
        _unreadable(_("%(where)s contains a NUL character."), where=where)
    if len(text) > limit:
        _unreadable(_("%(where)s is longer than %(limit)s characters."), where=where, limit=limit)
    return text


def _email(value, where: str) -> str:
    text = _text(value, where, 254)
    try:
        validate_email(text)
    except ValidationError:
        _unreadable(_("%(where)s is not a valid email address."), where=where)
    return text


def _cents(value, where: str) -> Decimal:
    if value is None:
        return Decimal("0.00")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        _unreadable(_("%(where)s must be a whole number of cents."), where=where)
    if not 0 <= value <= MAX_CENTS:
        _unreadable(_("%(where)s must be between 0 and %(max)s cents."), where=where, max=MAX_CENTS)
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


def _date(value, where: str) -> datetime.date:
    text = _text(value, where, 64)
    if not text:
        return datetime.date.today()
    try:
        parsed = parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        _unreadable(_("%(where)s is not a date and time."), where=where)
    return parsed.date()


def _custom(items: list[dict], *names) -> str:
    for i, item in enumerate(items):
        for j, custom in enumerate(_objects(item.get("customFields"), f"items[{i}].customFields")):
            label = _text(custom.get("name"), f"items[{i}].customFields[{j}].name").lower()
            answer = _text(custom.get("answer"), f"items[{i}].customFields[{j}].answer", 250)
            if answer and any(name in label for name in names):
                return answer
    return ""


def _siret(text: str) -> str:
    """The SIRET the payer typed, if it is one; a typo is dropped, not the payment."""
    siret = normalise_siret(text)
    return siret if is_valid_siret(siret) else ""


def _payment(data: dict, *, order: dict, payer, items: list[dict], where: str) -> HelloAssoPayment:
    payer = _object(payer, f"{where}.payer")
    payment_id = _text(data.get("id"), f"{where}.id", TEXT_LIMITS["id"])
    if not payment_id:
        _unreadable(_("%(where)s has no id."), where=where)
    item_names = [_text(i.get("name"), f"items[{n}].name", 250) for n, i in enumerate(items)]
    labels = " ".join(x for x in (_text(order.get("formSlug"), "formSlug", 250), *item_names) if x)
    postcode = _text(payer.get("zipCode"), f"{where}.payer.zipCode", 20)
    return HelloAssoPayment(
        payment_id=payment_id,
        order_id=_text(order.get("id"), "order.id", TEXT_LIMITS["id"]),
        amount=_cents(data.get("amount"), f"{where}.amount"),
        paid_on=_date(data.get("date") or order.get("date"), f"{where}.date"),
        email=_email(payer.get("email"), f"{where}.payer.email") if payer.get("email") else "",
        first_name=_text(payer.get("firstName"), f"{where}.payer.firstName"),
        last_name=_text(payer.get("lastName"), f"{where}.payer.lastName"),
        organisation=_text(payer.get("company"), f"{where}.payer.company", TEXT_LIMITS["company"])
        or _custom(items, *ORGANISATION_FIELDS)[: TEXT_LIMITS["company"]],
        siret=_siret(_custom(items, "siret")),
        address=_text(payer.get("address"), f"{where}.payer.address", TEXT_LIMITS["address"]),
        # A foreign postcode does not fit the French column: the city still says where.
        postcode=postcode if len(postcode) == 5 else "",
        city=_text(payer.get("city"), f"{where}.payer.city", TEXT_LIMITS["city"]),
        form_label=labels,
    )


def _is_membership(order: dict, items: list[dict]) -> bool:
    form_type = order.get("formType") or ""
    return form_type == "Membership" or any(i.get("type") == "Membership" for i in items)


def _state(data: dict) -> str:
    state = data.get("state")
    return state if isinstance(state, str) else ""


def payments_in(notification: dict, states=PAID_STATES) -> list[HelloAssoPayment]:
    """The membership payments in `states` (paid, by default) a notification (eventType
    Order or Payment) tells of; NotificationUnreadable when its shape is not HelloAsso's."""
    event = notification.get("eventType")
    if not isinstance(event, str) or event not in {"Payment", "Order"}:
        return []
    data = _object(notification.get("data"), "data")
    items = _objects(data.get("items"), "data.items")
    if event == "Payment":
        order = _object(data.get("order"), "data.order")
        if not _is_membership(order, items) or _state(data) not in states:
            return []
        return [_payment(data, order=order, payer=data.get("payer"), items=items, where="data")]
    order = {
        "id": data.get("id"),
        "date": data.get("date"),
        "formSlug": data.get("formSlug"),
        "formType": data.get("formType"),
    }
    if not _is_membership(order, items):
        return []
    payments = _objects(data.get("payments"), "data.payments")
    return [
        _payment(p, order=order, payer=data.get("payer"), items=items, where=f"data.payments[{i}]")
        for i, p in enumerate(payments)
        if _state(p) in states and p.get("id")
    ]


def _api_state(payment: HelloAssoPayment, client) -> dict:
    from .client import HelloAssoNotFound

    try:
        return _object(client.payment(payment.payment_id), "API payment")
    except HelloAssoNotFound as error:
        raise NotificationRefused(f"unknown payment {payment.payment_id}") from error


def confirm(payment: HelloAssoPayment, client) -> HelloAssoPayment | None:
    """The payment as HelloAsso's API tells it (None: not a paid membership payment; if
    the API says it was refunded meanwhile, a recorded one is refunded here)."""
    data = _api_state(payment, client)
    found = payments_in({"eventType": "Payment", "data": data})
    if not found and _state(data) in REFUNDED_STATES:
        _refund(payment)
    return found[0] if found else None


def _refund(payment: HelloAssoPayment) -> None:
    from .. import services
    from .recording import already_recorded

    recorded = already_recorded(payment)
    if recorded is not None:
        services.refund_payment(recorded, note="HelloAsso: remboursé")


def handle(body: bytes, signature: str, *, client=None) -> list:
    """Check and record a notification; the memberships it concerns (possibly none).

    NotificationRefused: not HelloAsso's. NotificationUnreadable: HelloAsso's, but of a
    shape Tisser cannot use; every payment is read before any is recorded, so such a
    notification records nothing."""
    import json

    from . import recording

    check_signature(body, signature)
    try:
        notification = json.loads(body)
    except ValueError as error:
        raise NotificationUnreadable(_("The body is not JSON.")) from error
    if not isinstance(notification, dict):
        raise NotificationUnreadable(_("The body is not a JSON object."))
    payments = payments_in(notification)
    refunds = payments_in(notification, REFUNDED_STATES)
    for refund in refunds:
        if client is not None and _state(_api_state(refund, client)) not in REFUNDED_STATES:
            continue  # the API does not confirm the refund
        _refund(refund)
    memberships = []
    for payment in payments:
        if client is not None:
            payment = confirm(payment, client)
            if payment is None:
                continue
        if not payment.email:
            raise NotificationUnreadable(_("The payment has no payer email."))
        try:
            membership, _created = recording.record(payment)
        except ValidationError as error:
            raise NotificationUnreadable(" ".join(error.messages)) from error
        memberships.append(membership)
    return memberships


def keep_unreadable(body: bytes, reason: str):
    """Keep a signed notification Tisser could not use, with the reason, for staff."""
    from ..models import RefusedNotification

    return RefusedNotification.objects.create(body=bytes(body), reason=reason.replace("\x00", "␀"))


def catch_up(client, since=None) -> dict:
    """Record the paid membership payments HelloAsso's API lists (since a date): what a
    lost notification missed. Idempotent like the webhook."""
    from . import recording

    seen = recorded = 0
    for data in client.organization_payments(since=since):
        try:
            found = payments_in({"eventType": "Payment", "data": data})
        except NotificationUnreadable as error:
            log.warning("HelloAsso payment skipped: %s", error)
            continue
        for payment in found:
            seen += 1
            if payment.email:
                _membership, created = recording.record(payment)
                recorded += int(created)
    return {"seen": seen, "recorded": recorded}
