"""A user's own data, for "download my data": the account's part, plus what each later
app registers (accounts may not import them, so they register here from `ready()`)."""

from __future__ import annotations

from collections.abc import Callable

_providers: dict[str, Callable] = {}


def register(section: str, provider: Callable) -> None:
    """`provider(user)` returns JSON-ready data about that user, or None for nothing."""
    _providers[section] = provider


def data_of(user) -> dict:
    data = {
        "account": {
            "email": user.email,
            "email_verified": user.email_verified,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "staff_role": user.staff_role,
            "notify_new_proposals": user.notify_new_proposals,
            "date_joined": user.date_joined.isoformat() if user.date_joined else None,
            "last_login": user.last_login.isoformat() if user.last_login else None,
        }
    }
    for section, provider in sorted(_providers.items()):
        value = provider(user)
        if value is not None:
            data[section] = value
    return data
