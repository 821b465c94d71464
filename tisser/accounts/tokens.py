"""Signed, expiring links for email verification.

The token signs the user id and the address being verified, so a link stops working as
soon as the address changes, and it carries its own timestamp, so nothing is stored.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "tisser.accounts.verify-email"


def max_age_seconds() -> int:
    return int(getattr(settings, "TISSER_EMAIL_VERIFICATION_HOURS", 72)) * 3600


@dataclass(frozen=True)
class VerificationClaim:
    user_id: int
    email: str


class TokenExpired(Exception):
    """The link was genuine but is too old."""


class TokenInvalid(Exception):
    """The link was altered, truncated, or never issued by this site."""


def make_verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT, compress=True)


def read_verification_token(token: str) -> VerificationClaim:
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age_seconds())
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or "u" not in data or "e" not in data:
        raise TokenInvalid
    return VerificationClaim(user_id=int(data["u"]), email=str(data["e"]))
