"""The memberships' webhook events: declared at start-up, emitted by the services."""

from django.utils.translation import gettext_lazy as _

from tisser.core import webhooks

EVENTS = {
    "membership.validated": _("Membership validated"),
    "payment.recorded": _("Membership payment recorded"),
    "payment.refunded": _("Membership payment refunded"),
}


def register() -> None:
    for name, label in EVENTS.items():
        webhooks.register_event(name, label)


def membership_validated(membership) -> None:
    from .schemas import membership_payload

    webhooks.emit("membership.validated", lambda: membership_payload(membership))


def payment_event(event: str, payment) -> None:
    from .schemas import payment_payload

    webhooks.emit(event, lambda: payment_payload(payment))
