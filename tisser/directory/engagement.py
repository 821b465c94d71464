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

A contributor answers these questions, each optional (the base class answers "nothing"):

- `person_branches` / `organisation_branches`: where its entries come from, as `Branch`es
  (a queryset ordered newest first as an index serves it, the entry's moment, what it
  shows, how a row becomes an entry). A timeline is ONE query: the branches of the kinds
  asked, each limited to the page, in a UNION ALL ordered by moment and limited again;
  every branch reads what its entries show (`JSONObject`), so no link costs a query;
- `fact_queries` / `facts`: the timeline's header (member since, last event attended…),
  scalar subqueries all read in one query, then worded;
- `merge_preview` / `merge_people`: what a merge of two people moves in this app, and
  moving it (inside the merge's transaction: raise `ValidationError` to abandon it);
- `export` / `erase`: the app's part of a person's data (GDPR access and erasure).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import reduce

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, IntegerField, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

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


@dataclass(frozen=True)
class Row:
    """One row of the timeline's query: its branch's model pk, moment and `data`."""

    pk: int
    at: dt.datetime
    data: dict

    def moment(self, key: str) -> dt.datetime | None:
        """A moment inside `data` (JSON carries it as text)."""
        return _aware(self.data.get(key))

    def json(self, key: str):
        """A JSON column inside `data` (SQLite nests it as text)."""
        value = self.data.get(key)
        return json.loads(value) if isinstance(value, str) else value

    def day(self, key: str) -> dt.date | None:
        value = self.data.get(key)
        return parse_date(value[:10]) if isinstance(value, str) else value


@dataclass(frozen=True)
class Branch:
    """One source of a timeline's entries, read in the timeline's one query.

    `rows` is filtered and ordered newest first the way an index serves it (the page's
    LIMIT goes inside); `at` is the entry's moment (a field name or an expression);
    `data` names what the entry shows ({key: field path or expression}); `render` turns
    a `Row` into an `Entry` without touching the database. One branch of several kinds
    (claims and imports of the same links) reads one index once; asked for some of its
    kinds only, it adds their conditions."""

    def of_kinds(self, kinds: set[str]) -> Branch | None:
        """This branch narrowed to `kinds`, or None if it has none of them."""
        if isinstance(self.kind, str):
            return self if self.kind in kinds else None
        wanted = [condition for kind, condition in self.kind.items() if kind in kinds]
        if not wanted:
            return None
        if len(wanted) == len(self.kind):
            return self
        return replace(self, rows=self.rows.filter(reduce(operator.or_, wanted)))

    #: its kind, or {kind: condition} when its rows are of several (render tells which)
    kind: str | dict
    rows: QuerySet
    at: object
    data: dict
    render: Callable[[Row], Entry]


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

    def person_branches(self, person) -> list[Branch]:
        return []

    def organisation_branches(self, organisation) -> list[Branch]:
        return []

    def fact_queries(self, *, person=None, organisation=None) -> dict:
        """{name: scalar expression} the header needs (names unique across apps)."""
        return {}

    def facts(self, values: dict, *, person=None, organisation=None) -> list[Fact]:
        """The header's lines from the values `fact_queries` read."""
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


def _aware(value):
    """A moment read back from the UNION or from JSON: SQLite and JSON give text."""
    if isinstance(value, str):
        value = parse_datetime(value.replace(" ", "T", 1))
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def _branch_sql(index: int, branch: Branch, limit: int) -> tuple[str, list]:
    at = F(branch.at) if isinstance(branch.at, str) else branch.at
    data = {key: F(path) if isinstance(path, str) else path for key, path in branch.data.items()}
    rows = branch.rows.values(tl_at=at, tl_pk=F("pk"), tl_data=JSONObject(**data))[:limit]
    sql, params = rows.query.sql_with_params()
    # Named columns from a derived table: the order Django gives a SELECT does not matter,
    # and SQLite accepts the inner ORDER BY and LIMIT there.
    b = f"tl_b{index}"
    columns = f"{b}.tl_at, {b}.tl_pk, {b}.tl_data"
    return f"SELECT {index} AS tl_branch, {columns} FROM ({sql}) {b}", list(params)


def timeline_sql(branches: list[Branch], *, limit: int) -> tuple[str, list]:
    """The one query of a timeline: each branch limited to the page, then the newest."""
    parts, params = [], []
    for index, branch in enumerate(branches):
        try:
            sql, branch_params = _branch_sql(index, branch, limit)
        except EmptyResultSet:  # a filter that can match nothing (`pk__in=[]`)
            continue
        parts.append(sql)
        params += branch_params
    if not parts:
        return "", []
    return " UNION ALL ".join(parts) + f" ORDER BY 2 DESC, 1, 3 LIMIT {int(limit)}", params


def timeline(branches: list[Branch], *, kinds: set[str], limit: int) -> list[Entry]:
    """The newest `limit` entries of these branches (those of `kinds`), in one query."""
    chosen = [narrowed for branch in branches if (narrowed := branch.of_kinds(kinds))]
    if not chosen:
        return []
    sql, params = timeline_sql(chosen, limit=limit)
    if not sql:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    entries = []
    for index, at, pk, data in found:
        if at is None:  # a moment no branch should leave empty
            continue
        if isinstance(data, str):
            data = json.loads(data)
        entries.append(chosen[index].render(Row(pk=pk, at=_aware(at), data=data or {})))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def person_timeline(person, *, kinds: set[str] | None = None, limit: int = TIMELINE_LIMIT):
    """The person's entries of every app, newest first (at most `limit`), in one query."""
    wanted = set(kinds or ()) or set(all_kinds())
    branches = [branch for c in _contributors for branch in c.person_branches(person)]
    return timeline(branches, kinds=wanted, limit=limit)


def organisation_timeline(
    organisation, *, kinds: set[str] | None = None, limit: int = TIMELINE_LIMIT
):
    """The organisation's entries of every app, newest first (at most `limit`)."""
    wanted = set(kinds or ()) or set(all_kinds())
    branches = [branch for c in _contributors for branch in c.organisation_branches(organisation)]
    return timeline(branches, kinds=wanted, limit=limit)


def facts(*, person=None, organisation=None) -> list[Fact]:
    """The header's figures of every app, read in one query of scalar subqueries."""
    subject = person if person is not None else organisation
    queries = {}
    for contributor in _contributors:
        queries.update(contributor.fact_queries(person=person, organisation=organisation))
    values = {}
    if queries:
        values = (
            type(subject).objects.filter(pk=subject.pk).annotate(**queries).values(*queries).get()
        )
    found = [
        fact
        for contributor in _contributors
        for fact in contributor.facts(values, person=person, organisation=organisation)
    ]
    return sorted(found, key=lambda fact: fact.order)


#: what `str(person)` reads, as `Branch.data`, from a row that has a person
PERSON_NAME = {
    "person_id": "person_id",
    "first_name": "person__first_name",
    "last_name": "person__last_name",
    "email": "person__email",
    "erased_at": "person__erased_at",
}


def person_name(row: Row) -> str:
    """`str(person)` of a row read with `PERSON_NAME`, without reading the person."""
    from .models import Person

    return str(
        Person(
            pk=row.data["person_id"],
            first_name=row.data["first_name"] or "",
            last_name=row.data["last_name"] or "",
            email=row.data["email"] or "",
            erased_at=row.data["erased_at"],
        )
    )


class SubqueryCount(Subquery):
    """How many rows a queryset has, as a scalar subquery (`Count` would group the outer)."""

    template = "(SELECT count(*) FROM (%(subquery)s) tl_count)"
    output_field = IntegerField()


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
