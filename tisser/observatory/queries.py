"""Reads of the observatory shared by pages, exports, embeds and the benchmark.

Values of one indicator, level and year travel as a compact JSON object keyed by INSEE
code (`{"59350":512.4,…}`: about 0.5 MB for 35,000 communes); the browser joins it to the
outlines, which are cached separately (they change only when territories are reloaded).
The encoded body is kept in Django's cache, keyed by the indicator's last change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Max

from tisser.territories.models import Commune, Departement, Epci, Region

from .live import LiveIndicator, get_live, live_indicators
from .models import Indicator, IndicatorValue, Level

CACHE_SECONDS = 600
LEVEL_ORDER = [Level.REGION, Level.DEPARTEMENT, Level.EPCI, Level.COMMUNE]
# URL prefixes of territory codes, as the directory's `territory` filter reads them.
PREFIXES = {Level.REGION: "reg-", Level.DEPARTEMENT: "dep-", Level.EPCI: "epci-", Level.COMMUNE: ""}
PALETTE = ["#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d"]
NO_VALUE = "#f7f7f7"


def published_indicators():
    return Indicator.objects.filter(is_published=True)


def get_indicator(slug: str, *, staff: bool = False) -> Indicator | LiveIndicator | None:
    if live := get_live(slug):
        return live
    qs = Indicator.objects.all() if staff else published_indicators()
    return qs.filter(slug=slug).first()


def all_indicators() -> list:
    return [*published_indicators(), *live_indicators()]


def _memo(key: str, compute):
    """Per-process memo of small reads keyed by an indicator's last change."""
    if key not in _MEMO:
        while len(_MEMO) >= 64:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = compute()
    return _MEMO[key]


_MEMO: dict[str, object] = {}


def levels_of(indicator) -> list[str]:
    if isinstance(indicator, LiveIndicator):
        return list(LEVEL_ORDER)
    return _memo(f"levels:{indicator.pk}:{_version(indicator)}", lambda: _levels(indicator))


def _levels(indicator) -> list[str]:
    present = set(
        IndicatorValue.objects.filter(indicator=indicator)
        .values_list("level", flat=True)
        .distinct()
    )
    return [level for level in LEVEL_ORDER if level in present]


def years_of(indicator, level: str) -> list[int]:
    if isinstance(indicator, LiveIndicator):
        return indicator.years(level)
    return _memo(
        f"years:{indicator.pk}:{_version(indicator)}:{level}", lambda: _years(indicator, level)
    )


def _years(indicator, level: str) -> list[int]:
    return sorted(
        IndicatorValue.objects.filter(indicator=indicator, level=level)
        .values_list("year", flat=True)
        .distinct()
    )


def _version(indicator) -> str:
    if isinstance(indicator, LiveIndicator):
        return "live"
    return indicator.updated_at.isoformat()


def values(indicator, level: str, year: int) -> dict[str, float]:
    """`{code: value}` of one indicator, level and year (cached for stored indicators).

    Read with one plain SQL statement: 35,000 rows through the ORM's value lists cost
    several times more than the query itself.
    """
    if isinstance(indicator, LiveIndicator):
        return indicator.values(level, year)
    key = f"observatory:dict:{indicator.pk}:{_version(indicator)}:{level}:{year}"
    if (found := cache.get(key)) is not None:
        return found
    table = connection.ops.quote_name(IndicatorValue._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT code, value FROM {table} WHERE indicator_id = %s AND level = %s AND year = %s",
            [indicator.pk, level, year],
        )
        found = dict(cursor.fetchall())
    cache.set(key, found, CACHE_SECONDS)
    return found


def values_json(indicator, level: str, year: int) -> str:
    """The compact JSON body of `values()` with its colour classes, cached when stored."""
    key = f"observatory:values:{indicator.slug}:{_version(indicator)}:{level}:{year}"
    stored = not isinstance(indicator, LiveIndicator)
    if stored and ((body := _MEMO.get(key)) or (body := cache.get(key))):
        return _memo(key, lambda: body)
    data = values(indicator, level, year)
    breaks = class_breaks(list(data.values()))
    body = json.dumps(
        {"level": level, "year": year, "breaks": breaks, "colors": PALETTE, "values": data},
        separators=(",", ":"),
    )
    if not isinstance(indicator, LiveIndicator):
        cache.set(key, body, CACHE_SECONDS)
        _memo(key, lambda: body)
    return body


def class_breaks(numbers: list[float], classes: int = 5) -> list[float]:
    """Upper bounds of `classes` quantile classes (the last is the maximum)."""
    if not numbers:
        return []
    ordered = sorted(numbers)
    bounds = []
    for k in range(1, classes + 1):
        index = min(len(ordered) - 1, max(0, round(k * len(ordered) / classes) - 1))
        bounds.append(ordered[index])
    return sorted(set(bounds))


def color_for(value: float | None, breaks: list[float]) -> str:
    if value is None or not breaks:
        return NO_VALUE
    offset = len(PALETTE) - len(breaks)
    for index, bound in enumerate(breaks):
        if value <= bound:
            return PALETTE[index + offset]
    return PALETTE[-1]


def territory_names(level: str) -> dict[str, tuple[str, str]]:
    """`{code: (name, département code)}` of a level, cached (territories change rarely)."""
    key = f"observatory:names:{level}"
    if found := cache.get(key):
        return found
    model = {
        Level.COMMUNE: Commune,
        Level.DEPARTEMENT: Departement,
        Level.REGION: Region,
        Level.EPCI: Epci,
    }[level]
    table = connection.ops.quote_name(model._meta.db_table)
    parent = {Level.COMMUNE: "departement_id", Level.DEPARTEMENT: "code"}.get(level, "''")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT code, name, {parent} FROM {table}")
        names = {code: (name, dep) for code, name, dep in cursor.fetchall()}
    cache.set(key, names, 3600)
    return names


@dataclass
class TableRow:
    code: str
    name: str
    departement: str
    value: float
    rank: int


class Rows(list):
    """Table rows as plain tuples `(code, value, rank)`: 35,000 objects would cost more
    than the whole query. Names are looked up only for the rows read — a page, a chart —
    unless a filter or the sort needed them all. Indexing or slicing gives `TableRow`s, so
    a paginator's page holds objects the template can read."""

    def __init__(self, rows, level: str, names: dict | None = None, by_value=None):
        super().__init__(rows)
        self.level = level
        self.names = names
        self.by_value = by_value  # the same rows by decreasing value

    def _rows(self, items) -> list[TableRow]:
        if self.names is None and len(items) > 500:  # an export: the whole cached table
            self.names = territory_names(self.level)
        names = self.names or names_of(self.level, [t[0] for t in items])
        unknown = ("", "")
        return [
            TableRow(code, names.get(code, unknown)[0] or code, names.get(code, unknown)[1], v, r)
            for code, v, r in items
        ]

    def __getitem__(self, index):
        item = super().__getitem__(index)
        if isinstance(index, slice):
            return self._rows(item)
        return self._rows([item])[0]

    def __iter__(self):
        return iter(self._rows(list(super().__iter__())))

    def values(self) -> list[float]:
        return [t[1] for t in super().__iter__()]

    def top(self, n: int) -> list[TableRow]:
        """The `n` rows of highest value, whatever the table's order."""
        if self.by_value is not None:
            return self._rows(self.by_value[:n])
        import heapq

        return self._rows(heapq.nlargest(n, super().__iter__(), key=lambda t: t[1]))


def names_of(level: str, codes: list[str]) -> dict[str, tuple[str, str]]:
    """Names of a few territories: from the cached table when it is there, else a query."""
    cached = cache.get(f"observatory:names:{level}")
    if cached is not None:
        return {c: cached[c] for c in codes if c in cached}
    model = {
        Level.COMMUNE: Commune,
        Level.DEPARTEMENT: Departement,
        Level.REGION: Region,
        Level.EPCI: Epci,
    }[level]
    rows = model.objects.filter(code__in=codes)
    if level == Level.COMMUNE:
        return {c: (n, d) for c, n, d in rows.values_list("code", "name", "departement_id")}
    parent = level == Level.DEPARTEMENT
    return {c: (n, c if parent else "") for c, n in rows.values_list("code", "name")}


_RANKED: dict[str, list] = {}  # per process: ranked values of the last few (indicator, level, year)


def ranked(indicator, level: str, year: int) -> list[tuple[str, float, int]]:
    """`[(code, value, rank)]` by decreasing value; kept in this process under the
    indicator's last change (no pickling: the cached path costs a dictionary lookup)."""
    key = f"{indicator.slug}:{_version(indicator)}:{level}:{year}"
    if key in _RANKED:
        return _RANKED[key]
    items = sorted(values(indicator, level, year).items(), key=lambda item: -item[1])
    found = [(code, value, rank) for rank, (code, value) in enumerate(items, start=1)]
    if not isinstance(indicator, LiveIndicator):
        while len(_RANKED) >= 8:
            _RANKED.pop(next(iter(_RANKED)))
        _RANKED[key] = found
    return found


def table_rows(
    indicator, level: str, year: int, *, sort: str = "-value", q: str = "", departement: str = ""
) -> Rows:
    """Every territory with a value, ranked by value, then filtered and sorted."""
    from tisser.core.text import fold

    rows = ranked(indicator, level, year)
    key, reverse = sort.lstrip("-"), sort.startswith("-")
    text = fold(q)
    names = territory_names(level) if (departement or text or key == "name") else None
    unknown = ("", "")
    if departement:
        rows = [r for r in rows if names.get(r[0], unknown)[1] == departement]
    if text:
        code = q.strip().upper()
        rows = [
            r for r in rows if r[0].startswith(code) or text in fold(names.get(r[0], unknown)[0])
        ]
    by_value = rows
    if key == "name":
        rows = sorted(rows, key=lambda r: fold(names.get(r[0], unknown)[0]), reverse=reverse)
    elif key == "code":
        rows = sorted(rows, key=lambda r: r[0], reverse=reverse)
    elif key == "rank":
        rows = sorted(rows, key=lambda r: r[2], reverse=reverse)
    elif not reverse:
        rows = rows[::-1]  # ranked by decreasing value already
    return Rows(rows, level, names, by_value)


def series(indicator, level: str, codes: list[str]) -> dict[str, list[tuple[int, float]]]:
    """`{code: [(year, value), …]}` for the evolution chart."""
    if isinstance(indicator, LiveIndicator):
        year = indicator.years(level)[0]
        data = indicator.values(level, year)
        return {c: [(year, data[c])] for c in codes if c in data}
    out: dict[str, list] = {c: [] for c in codes}
    rows = IndicatorValue.objects.filter(indicator=indicator, level=level, code__in=codes)
    for code, year, value in rows.order_by("year").values_list("code", "year", "value"):
        out[code].append((year, value))
    return {c: points for c, points in out.items() if points}


def territory_values(level: str, code: str) -> list[dict]:
    """Every published indicator's latest value for one territory (the territory page)."""
    latest = (
        IndicatorValue.objects.filter(level=level, code=code, indicator__is_published=True)
        .values("indicator")
        .annotate(year=Max("year"))
    )
    years = {row["indicator"]: row["year"] for row in latest}
    found = []
    rows = IndicatorValue.objects.filter(level=level, code=code, indicator__in=years.keys())
    for value in rows.select_related("indicator"):
        if years[value.indicator_id] == value.year:
            found.append({"indicator": value.indicator, "year": value.year, "value": value.value})
    for live in live_indicators()[:3]:
        year = live.years(level)[0]
        found.append(
            {"indicator": live, "year": year, "value": live.values(level, year).get(code, 0.0)}
        )
    return found


def resolve_territory(text: str) -> tuple[str, str, str] | None:
    """`dep-80` / `reg-32` / `epci-…` / `80016` → (level, code, name), or None if unknown."""
    prefix, sep, rest = (text or "").partition("-")
    if sep and prefix in {"reg", "dep", "epci"}:
        level = {"reg": Level.REGION, "dep": Level.DEPARTEMENT, "epci": Level.EPCI}[prefix]
        code = rest.upper()
    else:
        level, code = Level.COMMUNE, text.upper()
    name = territory_names(level).get(code)
    if name is None:
        return None
    return level, code, name[0]


def territory_code(level: str, code: str) -> str:
    return PREFIXES[level] + code


def populations_of(level: str) -> dict[str, int]:
    from .live import populations

    return populations(level)


def territory_events(territory_code: str) -> list:
    """Events held in the territory, for its page.

    Extension point: the events app is built apart from this one; once merged, return its
    upcoming events whose venue commune is inside `territory_code` (observatory may import
    events). Until then the territory page says the agenda is not available.
    """
    return []
