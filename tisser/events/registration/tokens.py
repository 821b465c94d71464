"""Signed links in registration emails: manage (cancel, change, confirm a place offered)
without an account, and check in at the door. They name one registration and stop
working the day after the event ends."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language

from tisser.events.models import Registration

MANAGE_SALT = "tisser.events.manage"
CHECKIN_SALT = "tisser.events.staff.checkin"
# A link stays valid this long after the event's last session ends.
GRACE = dt.timedelta(days=1)


def _token(registration: Registration, salt: str) -> str:
    # No timestamp: the link is valid until the event is over, and the same registration
    # always gets the same link (each email repeats it). Not compressed: zlib never
    # shortens so little, and setting it up cost more than the signature.
    return signing.Signer(salt=salt).sign_object({"r": registration.pk})


def manage_token(registration: Registration) -> str:
    return _token(registration, MANAGE_SALT)


def checkin_token(registration: Registration) -> str:
    return _token(registration, CHECKIN_SALT)


def manage_path(registration: Registration) -> str:
    """The path of the registrant's own page (`events:manage`)."""
    return _path("events:manage", manage_token(registration))


def manage_url(registration: Registration) -> str:
    return settings.SITE_URL + manage_path(registration)


def checkin_url(registration: Registration) -> str:
    return settings.SITE_URL + _path("events:checkin", checkin_token(registration))


#: (URL name, script prefix, URLconf, language) -> the path's text around the token.
_AROUND_TOKEN: dict[tuple, tuple[str, str]] = {}
_MARK = "TOKEN"


def around_token(name: str) -> tuple[str, str]:
    """The path of the URL `name` (a route taking one token) before and after its token,
    found once per URL prefix and language: reversing at every link took more CPU than
    signing."""
    key = (name, get_script_prefix(), get_urlconf(), get_language())
    around = _AROUND_TOKEN.get(key)
    if around is None:
        before, after = reverse(name, args=[_MARK]).split(_MARK)
        around = _AROUND_TOKEN[key] = (before, after)
    return around


def _path(name: str, token: str) -> str:
    """`reverse(name, args=[token])`: a token only holds characters a path keeps as they
    are (base64url and the signature's ':')."""
    before, after = around_token(name)
    return f"{before}{token}{after}"


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
