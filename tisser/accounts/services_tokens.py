"""API tokens: created by their staff owner, shown once, stored hashed, revoked at will."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles
from .models import ApiToken

#: Tokens start with this, so that secret scanners and people recognise them.
TOKEN_PREFIX = "tis_"
MAX_DAYS = 366


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user, *, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    """A new token for `user` (staff only); returns the row and the token, never kept."""
    if not roles.is_staff_editor(user):
        raise ValidationError(_("Only staff can create API tokens."))
    unknown = set(scopes) - set(ApiToken.Scope.values)
    if unknown or not scopes:
        raise ValidationError(_("Choose at least one scope from the list."))
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(_("A token lasts from 1 to %(max)s days.") % {"max": MAX_DAYS})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or _("API token"),
        prefix=token[: len(TOKEN_PREFIX) + 6],
        digest=digest(token),
        scopes=sorted(set(scopes)),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return row, token


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def authenticate(raw: str) -> ApiToken | None:
    """The usable token with this value, its last use recorded (at most once a minute, so
    that a busy client costs no write per request)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(digest=digest(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    every = dt.timedelta(seconds=getattr(settings, "TISSER_API_LAST_USE_PRECISION", 60))
    if token.last_used_at is None or now - token.last_used_at > every:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
