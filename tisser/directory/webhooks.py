"""The directory's webhook events: declared at start-up, emitted by the services."""

from django.utils.translation import gettext_lazy as _

from tisser.core import webhooks

EVENTS = {
    "organisation.published": _("Organisation published"),
    "organisation.changed": _("Published organisation changed"),
}


def register() -> None:
    for name, label in EVENTS.items():
        webhooks.register_event(name, label)


def organisation_saved(org, *, became_public: bool) -> None:
    """A published organisation was saved: newly public, or changed."""
    from tisser.directory.open_data.schemas import organisation_payload

    event = "organisation.published" if became_public else "organisation.changed"
    webhooks.emit(event, lambda: organisation_payload(org))
