"""What people and organisations did with the network, gathered from every app.

The directory may not import the apps built on it (memberships, events, governance,
publications), yet a person's timeline, their merge and their personal data span all of
them. This module is the one extension point they share: each app subclasses
`Contributor` in its own `engagement.py` and registers an instance from its
`AppConfig.ready()`:

    from tisser.directory.engagement import Contributor, register

    class Events(Contributor):
        kinds = {"registrations": _("Registrations and attendance")}
        def person_entries(self, person, *, kinds, limit): ...

    register(Events())

A contributor answers six questions, each optional (the base class answers "nothing"):

- `person_entries` / `organisation_entries`: the newest `limit` entries of the given
  kinds, from a bounded, indexed query; the timeline merges them in Python;
- `facts`: lines of the timeline's header (member since, last event attended…);
- `merge_preview` / `merge_people`: what a merge of two people moves in this app, and
  moving it (inside the merge's transaction: raise `ValidationError` to abandon it);
- `export` / `erase`: the app's part of a person's data (GDPR access and erasure).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.utils import timezone

logger = logging.getLogger(__name__)

#: entries per contributor and per page: enough for a screen, bounded for speed
TIMELINE_LIMIT = 50


@dataclass(frozen=True)
class Entry:
    """One line of a timeline: when, which kind, what, and where to read more."""

    at: dt.datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    tone: str = ""  # a badge: success, warning, danger, info, or nothing


@dataclass(frozen=True)
class Fact:
    """One figure of a timeline's header ("member since 2019")."""

    key: str
    label: str
    value: str
    url: str = ""
    order: int = 50


@dataclass
class MoveLine:
    """What a merge moves in one app: "3 registrations", and what stops it."""

    label: str
    count: int
    blockers: list[str] = field(default_factory=list)


class Contributor:
    """The base an app subclasses: every answer defaults to "nothing here"."""

    #: the timeline kinds this app fills, {key: label}
    kinds: dict = {}

    def person_entries(self, person, *, kinds: set[str], limit: int) -> list[Entry]:
        return []

    def organisation_entries(self, organisation, *, kinds: set[str], limit: int) -> list[Entry]:
        return []

    def facts(self, *, person=None, organisation=None) -> list[Fact]:
        return []

    def merge_preview(self, keep, duplicate) -> list[MoveLine]:
        return []

    def merge_people(self, keep, duplicate) -> None:
        return None

    def export(self, person) -> dict:
        """{section: JSON-ready value} for the person's data export."""
        return {}

    def erase(self, person) -> None:
        return None


_contributors: list[Contributor] = []


def register(contributor: Contributor) -> None:
    """Add an app's contributor (once per class: `ready()` may run twice in tests)."""
    for index, known in enumerate(_contributors):
        if type(known) is type(contributor):
            _contributors[index] = contributor
            return
    _contributors.append(contributor)


def unregister(contributor: Contributor) -> None:
    if contributor in _contributors:
        _contributors.remove(contributor)


def contributors() -> list[Contributor]:
    return list(_contributors)


def all_kinds() -> dict:
    """Every timeline kind, {key: label}, in the order the apps registered them."""
    found: dict = {}
    for contributor in _contributors:
        found.update(contributor.kinds)
    return found


def _merged(lists, limit: int) -> list[Entry]:
    entries = [entry for chunk in lists for entry in chunk if entry.at is not None]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def person_timeline(person, *, kinds: set[str] | None = None, limit: int = TIMELINE_LIMIT):
    """The person's entries of every app, newest first (at most `limit`)."""
    wanted = set(kinds or ()) or set(all_kinds())
    return _merged(
        (c.person_entries(person, kinds=wanted, limit=limit) for c in _contributors), limit
    )


def organisation_timeline(
    organisation, *, kinds: set[str] | None = None, limit: int = TIMELINE_LIMIT
):
    """The organisation's entries of every app, newest first (at most `limit`)."""
    wanted = set(kinds or ()) or set(all_kinds())
    return _merged(
        (c.organisation_entries(organisation, kinds=wanted, limit=limit) for c in _contributors),
        limit,
    )


def facts(*, person=None, organisation=None) -> list[Fact]:
    found = [
        fact
        for contributor in _contributors
        for fact in contributor.facts(person=person, organisation=organisation)
    ]
    return sorted(found, key=lambda fact: fact.order)


def merge_preview(keep, duplicate) -> list[MoveLine]:
    return [line for c in _contributors for line in c.merge_preview(keep, duplicate)]


def merge_people(keep, duplicate) -> None:
    for contributor in _contributors:
        contributor.merge_people(keep, duplicate)


def export(person) -> dict:
    data: dict = {}
    for contributor in _contributors:
        data.update(contributor.export(person) or {})
    return data


def erase(person) -> None:
    for contributor in _contributors:
        contributor.erase(person)


def this_year_start() -> dt.datetime:
    now = timezone.localtime()
    return now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
