"""Extension points of governance, for apps it may not import (DESIGN.md: `governance`
and `events` never import each other).

A working group's page lists "its events" from providers registered here. The events app
(or any later app) registers one in its `AppConfig.ready()`:

    from tisser.governance.extensions import register_group_events_provider

    def upcoming_for_group(group):  # -> iterable of {"title", "url", "starts_at"}
        return [...]

    register_group_events_provider(upcoming_for_group)

A provider receives the `WorkingGroup` and returns dicts with `title`, `url` and
`starts_at` (an aware datetime); one that raises is skipped, so a broken provider never
breaks the group's page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

logger = logging.getLogger(__name__)

_providers: list[Callable] = []


def register_group_events_provider(provider: Callable[[object], Iterable[dict]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister_group_events_provider(provider: Callable) -> None:
    if provider in _providers:
        _providers.remove(provider)


def events_of_group(group) -> list[dict]:
    found = []
    for provider in list(_providers):
        try:
            found.extend(provider(group) or [])
        except Exception:  # a broken provider must not break the page
            logger.exception("group events provider %r failed", provider)
    dated = sorted((e for e in found if e.get("starts_at")), key=lambda e: e["starts_at"])
    return dated + [e for e in found if not e.get("starts_at")]
