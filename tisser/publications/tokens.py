"""Signed links for subscribers: double opt-in (expires), preferences (expires)."""

from django.core import signing

CONFIRM_SALT = "tisser.publications.confirm"
PREFERENCES_SALT = "tisser.publications.preferences"
CONFIRM_MAX_AGE = 7 * 24 * 3600
PREFERENCES_MAX_AGE = 7 * 24 * 3600


def confirm_token(subscription_ids: list[int]) -> str:
    return signing.dumps(sorted(subscription_ids), salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token: str) -> list[int]:
    """Raises signing.SignatureExpired or signing.BadSignature."""
    value = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        raise signing.BadSignature("unexpected content")
    return value


def preferences_token(person_id: int) -> str:
    return signing.dumps(person_id, salt=PREFERENCES_SALT)


def read_preferences_token(token: str) -> int:
    value = signing.loads(token, salt=PREFERENCES_SALT, max_age=PREFERENCES_MAX_AGE)
    if not isinstance(value, int):
        raise signing.BadSignature("unexpected content")
    return value
