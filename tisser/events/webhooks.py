"""The events' webhook events: declared at start-up, emitted by the services."""

from django.utils.translation import gettext_lazy as _

from tisser.core import webhooks

EVENTS = {
    "registration.created": _("Registration created (a place or the waiting list)"),
    "registration.cancelled": _("Registration cancelled"),
    "registration.promoted": _("Registration promoted from the waiting list"),
    "attendance.recorded": _("Attendance recorded at check-in"),
}


def register() -> None:
    for name, label in EVENTS.items():
        webhooks.register_event(name, label)


def registration_event(event: str, registration) -> None:
    """`event` with the registration as the API gives it (`RegistrationOut`)."""
    from .schemas import registration_payload

    webhooks.emit(event, lambda: registration_payload(registration))


def attendance_recorded(attendance) -> None:
    from .schemas import registration_payload

    def payload():
        return {
            "session": attendance.session_id,
            "attended": attendance.attended,
            "checked_at": attendance.checked_at,
            "registration": registration_payload(attendance.registration),
        }

    webhooks.emit("attendance.recorded", payload)
