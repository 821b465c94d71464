"""Signed links in registration emails: manage (cancel, change, confirm a place offered)
without an account, and check in at the door. They name one registration and stop
working the day after the event ends."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from tisser.events.models import Registration

MANAGE_SALT = "tisser.events.manage"
CHECKIN_SALT = "tisser.events.staff.checkin"
# A link stays valid this long after the event's last session ends.
GRACE = dt.timedelta(days=1)


def _token(registration: Registration, salt: str) -> str:
    # No timestamp: the link is valid until the event is over, and the same registration
    # always gets the same link (each email repeats it).
    return signing.Signer(salt=salt).sign_object({"r": registration.pk}, compress=True)


def manage_token(registration: Registration) -> str:
    return _token(registration, MANAGE_SALT)


def checkin_token(registration: Registration) -> str:
    return _token(registration, CHECKIN_SALT)


def manage_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse("events:manage", args=[manage_token(registration)])


def checkin_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse("events:checkin", args=[checkin_token(registration)])


class BadToken(Exception):
    """Forged, damaged or expired: the message says which (see views)."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _load(token: str, salt: str, now=None) -> Registration:
    try:
        data = signing.Signer(salt=salt).unsign_object(token)
        pk = int(data["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadToken() from None
    registration = (
        Registration.objects.select_related("event", "session", "person", "organisation")
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        raise BadToken()
    ends = [s.ends_at for s in registration.event.sessions_list]
    if ends and (now or timezone.now()) > max(ends) + GRACE:
        raise BadToken(expired=True)
    return registration


def registration_from_manage_token(token: str, now=None) -> Registration:
    return _load(token, MANAGE_SALT, now)


def registration_from_checkin_token(token: str, now=None) -> Registration:
    return _load(token, CHECKIN_SALT, now)
