"""Segments: people chosen by what they did with the network, as a tree of conditions.

A segment is stored as JSON and compiled into one SQL query over `Person` whose
conditions are `EXISTS (…)` subqueries on indexed columns, so that counting a segment
reads indexes rather than every engagement row.

The JSON is a tree of nodes:

    {"and": [node, …]}   {"or": [node, …]}   {"not": node}
    {"condition": "attended", "params": {"year": 2025}}

The directory declares its own conditions (`segment_conditions`); every later app
(memberships, events, governance, publications) declares its own from its
`AppConfig.ready()` with `register(Condition(...))` — the directory never imports them.
A condition is a key, a label, its parameters and a function that turns the checked
parameters into a filter on `Person` (usually `Exists(...)` over `OuterRef("pk")`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

#: Limits of what one segment may hold: a page or a program cannot make the database
#: compile an absurd query.
MAX_CONDITIONS = 20
MAX_DEPTH = 6
MAX_JSON_LENGTH = 20_000
YEAR_MIN, YEAR_MAX = 1900, 2200


class SegmentError(ValueError):
    """A segment's definition that cannot be used; `message` says why, in the user's
    language."""

    def __init__(self, message: str):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class Param:
    """One parameter of a condition.

    `kind`: "year" (a calendar year), "choice" (one of `choices()`), "id" (a row's id,
    checked with `exists(id)`; `choices()` lists the usual ones for the form).
    An optional parameter left empty narrows nothing.
    """

    name: str
    label: Any
    kind: str = "choice"
    choices: Callable[[], list[tuple[str, str]]] | None = None
    required: bool = False
    default: Callable[[], Any] | Any = None
    exists: Callable[[int], bool] | None = None

    def initial(self):
        return self.default() if callable(self.default) else self.default

    def clean(self, value) -> Any:
        """The checked value, or None when left empty; raises SegmentError."""
        if isinstance(value, str):
            if "\x00" in value:
                raise SegmentError(_("A value holds a NUL character."))
            value = value.strip()
        if value in (None, "", []):
            if self.required:
                raise SegmentError(_("“%(label)s” is required.") % {"label": self.label})
            return None
        if self.kind in ("year", "id"):
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise SegmentError(self._invalid())
            text = str(value)
            if not (text.isascii() and text.isdigit()) or len(text) > 12:
                raise SegmentError(self._invalid())
            number = int(text)
            if self.kind == "year":
                if not YEAR_MIN <= number <= YEAR_MAX:
                    raise SegmentError(self._invalid())
                return number
            if self.exists is not None and not self.exists(number):
                raise SegmentError(
                    _("“%(label)s”: no such item (%(value)s).")
                    % {"label": self.label, "value": number}
                )
            return number
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise SegmentError(self._invalid())
        allowed = {str(key) for key, _label in (self.choices() if self.choices else [])}
        if str(value) not in allowed:
            raise SegmentError(self._invalid())
        return str(value)

    def _invalid(self) -> str:
        return _("“%(label)s”: this value is not valid.") % {"label": self.label}

    def display(self, value) -> str:
        if value is None:
            return ""
        if self.choices is not None and self.kind != "year":
            for key, label in self.choices():
                if str(key) == str(value):
                    return str(label)
        return str(value)


@dataclass(frozen=True)
class Condition:
    """A condition people may meet: `build(params)` returns a filter on `Person`."""

    key: str
    label: Any
    build: Callable[[dict], Q | Any]
    params: tuple[Param, ...] = ()
    group: Any = ""
    help: Any = ""
    order: int = 100

    def clean(self, params) -> dict:
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise SegmentError(_("The parameters of a condition must be an object."))
        known = {p.name for p in self.params}
        unknown = [name for name in params if name not in known]
        if unknown:
            raise SegmentError(
                _("Unknown parameter “%(name)s” for the condition “%(label)s”.")
                % {"name": str(unknown[0])[:50], "label": self.label}
            )
        cleaned = {}
        for param in self.params:
            value = param.clean(params.get(param.name))
            if value is not None:
                cleaned[param.name] = value
        return cleaned

    def describe(self, params: dict) -> str:
        details = [
            f"{p.label}\u00a0: {p.display(params[p.name])}" for p in self.params if p.name in params
        ]
        label = str(self.label)
        return f"{label} ({', '.join(details)})" if details else label


_registry: dict[str, Condition] = {}


def register(condition: Condition) -> None:
    """Declare a condition (from an app's `AppConfig.ready()`); a key is declared once."""
    existing = _registry.get(condition.key)
    if existing is not None and existing is not condition:
        raise ValueError(f"segment condition {condition.key!r} is already registered")
    _registry[condition.key] = condition


def unregister(key: str) -> None:
    _registry.pop(key, None)


def get(key: str) -> Condition | None:
    return _registry.get(key)


def conditions() -> list[Condition]:
    """Every declared condition, in the order the form offers them."""
    return sorted(_registry.values(), key=lambda c: (c.order, c.key))


# --- reading and checking a definition ---------------------------------------------------


@dataclass
class _Budget:
    conditions: int = 0


def parse(data) -> dict:
    """The checked, normalised tree of `data` (JSON text or already decoded).

    Raises SegmentError with a message for people: bad JSON, an unknown condition or
    parameter, a value out of range, a NUL, too many conditions or too deep a tree.
    """
    if isinstance(data, bytes | bytearray):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SegmentError(_("The conditions are not valid UTF-8 text.")) from error
    if isinstance(data, str):
        if len(data) > MAX_JSON_LENGTH:
            raise SegmentError(_("The conditions are too long."))
        if "\x00" in data:
            raise SegmentError(_("A value holds a NUL character."))
        try:
            data = json.loads(data, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:
            if isinstance(error, SegmentError):
                raise
            raise SegmentError(_("The conditions are not valid JSON.")) from error
    budget = _Budget()
    node = _node(data, 1, budget)
    if budget.conditions == 0:
        raise SegmentError(_("Choose at least one condition."))
    return node


def _refuse_constant(name):
    raise SegmentError(_("The conditions are not valid JSON."))


def _node(data, depth: int, budget: _Budget) -> dict:
    if depth > MAX_DEPTH:
        raise SegmentError(_("The conditions are nested too deeply."))
    if not isinstance(data, dict) or len(data) == 0:
        raise SegmentError(_("Each node of the conditions must be an object."))
    if "condition" in data:
        extra = set(data) - {"condition", "params"}
        if extra:
            raise SegmentError(
                _("Unknown field “%(name)s” in a condition.") % {"name": str(sorted(extra)[0])[:50]}
            )
        key = data["condition"]
        condition = get(key) if isinstance(key, str) else None
        if condition is None:
            raise SegmentError(_("Unknown condition “%(key)s”.") % {"key": str(key)[:50]})
        budget.conditions += 1
        if budget.conditions > MAX_CONDITIONS:
            raise SegmentError(
                _("A segment holds %(max)s conditions at most.") % {"max": MAX_CONDITIONS}
            )
        return {"condition": key, "params": condition.clean(data.get("params"))}
    if len(data) != 1:
        raise SegmentError(_("A node is either “and”, “or”, “not” or a condition."))
    ((operator, value),) = data.items()
    if operator == "not":
        return {"not": _node(value, depth + 1, budget)}
    if operator in ("and", "or"):
        if not isinstance(value, list) or not value:
            raise SegmentError(_("“%(op)s” takes a non-empty list.") % {"op": operator})
        return {operator: [_node(item, depth + 1, budget) for item in value]}
    raise SegmentError(_("Unknown operator “%(op)s”.") % {"op": str(operator)[:50]})


# --- compiling ---------------------------------------------------------------------------


def to_filter(node: dict) -> Q:
    """The `Q` over `Person` of a checked tree (see `parse`)."""
    if "condition" in node:
        built = get(node["condition"]).build(node["params"])
        return built if isinstance(built, Q) else Q(built)
    if "not" in node:
        return ~to_filter(node["not"])
    operator = "and" if "and" in node else "or"
    combined = None
    for item in node[operator]:
        part = to_filter(item)
        if combined is None:
            combined = part
        else:
            combined = combined & part if operator == "and" else combined | part
    return combined


def describe(node: dict) -> str:
    """The tree in words, for a page, a list of segments or a campaign."""
    if "condition" in node:
        return get(node["condition"]).describe(node["params"])
    if "not" in node:
        return _("not %(what)s") % {"what": describe(node["not"])}
    operator = "and" if "and" in node else "or"
    # Translated outside f-strings, which xgettext does not read.
    word = " %s " % (_("and") if operator == "and" else _("or"))
    parts = [describe(item) for item in node[operator]]
    text = word.join(parts)
    return f"({text})" if len(parts) > 1 else text


# --- the staff form's rows ---------------------------------------------------------------


@dataclass
class Row:
    """One line of the staff form: a condition, whether it is negated, its values as
    typed, and what was wrong with them."""

    condition: Condition
    negate: bool = False
    values: dict = field(default_factory=dict)
    error: str = ""

    @property
    def fields(self) -> list[tuple[Param, str]]:
        return [
            (p, "" if self.values.get(p.name) is None else str(self.values.get(p.name)))
            for p in self.condition.params
        ]


def rows_from_tree(node: dict) -> tuple[str, list[Row]] | None:
    """("all"|"any", rows) when the tree is a flat list the form can show, else None."""
    if "condition" in node or "not" in node:
        items, match = [node], "all"
    else:
        match = "all" if "and" in node else "any"
        items = node["and"] if "and" in node else node["or"]
    rows = []
    for item in items:
        negate = "not" in item
        leaf = item["not"] if negate else item
        if "condition" not in leaf:
            return None
        rows.append(Row(get(leaf["condition"]), negate, dict(leaf["params"])))
    return match, rows


def rows_from_form(data, *, limit: int = MAX_CONDITIONS) -> tuple[str, list[Row]]:
    """The rows posted by the staff form (`c<n>-type`, `c<n>-not`, `c<n>-<param>`), in
    order, with an added row (`add`) and without a removed one (`remove`)."""
    match = "any" if data.get("match") == "any" else "all"
    removed = data.get("remove", "")
    rows = []
    for index in range(limit):
        prefix = f"c{index}-"
        key = data.get(prefix + "type")
        if not key:
            continue
        if removed == str(index):
            continue
        condition = get(key)
        if condition is None:
            raise SegmentError(_("Unknown condition “%(key)s”.") % {"key": str(key)[:50]})
        values = {p.name: data.get(prefix + p.name, "") for p in condition.params}
        rows.append(Row(condition, bool(data.get(prefix + "not")), values))
    added = data.get("add")
    if added:
        condition = get(added)
        if condition is None:
            raise SegmentError(_("Unknown condition “%(key)s”.") % {"key": str(added)[:50]})
        if len(rows) >= limit:
            raise SegmentError(_("A segment holds %(max)s conditions at most.") % {"max": limit})
        rows.append(Row(condition, False, {p.name: p.initial() for p in condition.params}))
    return match, rows


def tree_from_rows(match: str, rows: list[Row]) -> dict | None:
    """The checked tree of the form's rows; each row's error is set, and None returned,
    when one is wrong (or when there is no row)."""
    items = []
    failed = False
    for row in rows:
        try:
            params = row.condition.clean(
                {k: v for k, v in row.values.items() if v not in (None, "")}
            )
        except SegmentError as error:
            row.error = error.message
            failed = True
            continue
        leaf = {"condition": row.condition.key, "params": params}
        items.append({"not": leaf} if row.negate else leaf)
    if failed or not items:
        return None
    return {"and" if match == "all" else "or": items}
