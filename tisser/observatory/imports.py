"""Importing indicator values from a CSV or XLSX file, on the core import engine.

Columns (first line, any order, French or English names): `code_insee` (or `code`),
`annee`/`year`, `valeur`/`value`, and optionally `niveau`/`level`, `unite`/`unit`,
`theme`. Without a level, a 5-character code is a commune, 9 digits an EPCI and 2–3
characters a département (régions need `niveau=region` or a `reg-32` code, since "32" is
also the Gers). This module declares the columns, the row check (`Checker`) and the
writer; the engine reads, previews with every bad row and its line number, and commits.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tisser.accounts import roles
from tisser.core.imports import bulk, engine, registry
from tisser.core.imports.models import ImportJob
from tisser.core.imports.reading import ImportFileError  # noqa: F401  (callers catch it)
from tisser.core.text import fold
from tisser.territories.models import Commune, Departement, Epci, Region

from . import services
from .models import Indicator, IndicatorValue, Level, Theme

KIND = "indicators"
# column key -> the headers accepted for it (as `reading.header_key` writes them)
COLUMNS = {
    "code": ("code_insee", "code", "insee", "codgeo"),
    "year": ("annee", "year"),
    "value": ("valeur", "value"),
    "level": ("niveau", "level"),
    "unit": ("unite", "unit"),
    "theme": ("theme",),
}
REQUIRED = ("code", "year", "value")
LEVEL_ALIASES = {
    "region": Level.REGION,
    "reg": Level.REGION,
    "departement": Level.DEPARTEMENT,
    "dep": Level.DEPARTEMENT,
    "epci": Level.EPCI,
    "commune": Level.COMMUNE,
    "com": Level.COMMUNE,
}
# French names of the themes, whatever the language of the person importing.
THEME_ALIASES = {
    "dechets": Theme.WASTE,
    "emploi": Theme.EMPLOYMENT,
    "economie sociale et solidaire": Theme.ESS,
    "environnement": Theme.ENVIRONMENT,
    "autre": Theme.OTHER,
}
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f]")


class Checker:
    """Checks rows against the known territories (loaded once) and the indicator."""

    def __init__(self, indicator: Indicator):
        self.indicator = indicator
        self.codes = {
            Level.REGION: set(Region.objects.values_list("code", flat=True)),
            Level.DEPARTEMENT: set(Departement.objects.values_list("code", flat=True)),
            Level.EPCI: set(Epci.objects.values_list("code", flat=True)),
            Level.COMMUNE: set(Commune.objects.values_list("code", flat=True)),
        }
        self.seen: dict[tuple, int] = {}
        self.unit = fold(indicator.unit)
        self.themes = {fold(str(label)): value for value, label in Theme.choices}
        self.themes.update({value: value for value in Theme.values})
        self.themes.update(THEME_ALIASES)

    def _level_and_code(self, row: dict) -> tuple[str | None, str]:
        code = (row.get("code") or "").strip().upper()
        level_text = fold(row.get("level") or "")
        prefix, sep, rest = code.partition("-")
        if sep and prefix.lower() in LEVEL_ALIASES:
            return LEVEL_ALIASES[prefix.lower()], rest
        if level_text:
            return LEVEL_ALIASES.get(level_text), code
        if len(code) == 5:
            return Level.COMMUNE, code
        if len(code) == 9 and code.isdigit():
            return Level.EPCI, code
        if len(code) in (2, 3):
            return Level.DEPARTEMENT, code
        return None, code

    def check(self, row: dict) -> dict:
        """`{"line", "level", "code", "year", "value"}` or `{"line", "messages"}`."""
        messages = []
        level, code = self._level_and_code(row)
        if level is None:
            if row.get("level"):
                messages.append(
                    _("Unknown level “%(level)s” (region, departement, epci or commune).")
                    % {"level": row["level"]}
                )
            else:
                messages.append(_("Missing or unreadable INSEE code “%(code)s”.") % {"code": code})
        elif code not in self.codes[level]:
            messages.append(
                _("Unknown %(level)s code “%(code)s”.")
                % {"level": Level(level).label.lower(), "code": code}
            )
        year = None
        try:
            year = int(str(row.get("year", "")).strip().split(".")[0])
            if not 1800 <= year <= 2200:
                raise ValueError
        except ValueError:
            messages.append(_("The year “%(year)s” is not a year.") % {"year": row.get("year", "")})
        value = None
        text = _NUMBER_SPACES.sub("", str(row.get("value", ""))).replace(",", ".")
        try:
            value = float(text)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
        except ValueError:
            messages.append(
                _("The value “%(value)s” is not a number.") % {"value": row.get("value", "")}
            )
        unit = fold(row.get("unit") or "")
        if unit and self.unit and unit != self.unit:
            messages.append(
                _("Unit “%(unit)s” differs from the indicator's (“%(expected)s”).")
                % {"unit": row["unit"], "expected": self.indicator.unit}
            )
        theme = fold(row.get("theme") or "")
        if theme and self.themes.get(theme, theme) != self.indicator.theme:
            messages.append(
                _("Theme “%(theme)s” differs from the indicator's (“%(expected)s”).")
                % {"theme": row["theme"], "expected": self.indicator.get_theme_display()}
            )
        if not messages:
            key = (level, code, year)
            if key in self.seen:
                messages.append(
                    _("The same territory and year are already on line %(line)s.")
                    % {"line": self.seen[key]}
                )
            else:
                self.seen[key] = row["line"]
        if messages:
            return {"line": row["line"], "code": row.get("code", ""), "messages": messages}
        return {"line": row["line"], "level": level, "code": code, "year": year, "value": value}


class IndicatorImporter(registry.Importer):
    kind = KIND
    label = gettext_lazy("Indicator values (CSV, XLSX)")
    columns = COLUMNS
    column_names = {key: aliases[0] for key, aliases in COLUMNS.items()}
    required = REQUIRED
    strict_columns = True  # a misspelt column would silently lose its values
    batch_size = 2000

    def allowed(self, user) -> bool:
        return roles.is_staff_editor(user)

    def indicator(self, job) -> Indicator | None:
        return Indicator.objects.filter(pk=job.options.get("indicator")).first()

    def upload_url(self, job=None) -> str:
        from django.urls import reverse

        if job is None:
            return reverse("observatory:staff_home")
        return reverse("observatory:staff_indicator", args=[job.options.get("indicator")])

    def describe(self, job) -> str:
        indicator = self.indicator(job)
        return _("Values of the indicator “%(name)s”") % {"name": indicator} if indicator else ""

    def action_labels(self) -> dict:
        return {
            "create": _("values to add"),
            "update": _("values to replace"),
            "error": _("errors"),
        }

    def count_labels(self) -> dict:
        return {
            "created": lambda n: ngettext("%(count)s value added", "%(count)s values added", n),
            "updated": lambda n: ngettext(
                "%(count)s value replaced", "%(count)s values replaced", n
            ),
        }

    def begin(self, job, step: str) -> dict:
        return {"checker": Checker(Indicator.objects.get(pk=job.options["indicator"]))}

    def check_batch(self, job, rows, state) -> list[registry.Result]:
        checker = state["checker"]
        checked = [checker.check({**row.values, "line": row.line}) for row in rows]
        codes = {c["code"] for c in checked if "messages" not in c}
        existing = set(
            IndicatorValue.objects.filter(bulk.among("code", codes), indicator=checker.indicator)
            .values_list("level", "code", "year")
        )  # fmt: skip
        results = []
        for row, c in zip(rows, checked, strict=True):
            label = row.values.get("code", "")
            if "messages" in c:
                results.append(registry.Result(row.line, "error", label, c["messages"]))
                continue
            key = (c["level"], c["code"], c["year"])
            results.append(
                registry.Result(
                    row.line, "update" if key in existing else "create",
                    f"{label} · {c['year']} · {row.values.get('value', '')}",
                    payload={"key": key, "value": c["value"]},
                )
            )  # fmt: skip
        return results

    def write_batch(self, job, rows, results, state) -> dict:
        by_level: dict[str, dict] = {}
        for result in results:
            level, code, year = result.payload["key"]
            by_level.setdefault(level, {})[(code, year)] = result.payload["value"]
        for level, values in by_level.items():
            try:
                services.set_values(state["checker"].indicator, level, values)
            except ValidationError as error:
                line = next(r.line for r in results if r.payload["key"][0] == level)
                raise registry.RowError(line, error.messages) from error
        updated = sum(1 for r in results if r.action == "update")
        return {"created": len(results) - updated, "updated": updated}


registry.register(IndicatorImporter())


def start_import(indicator: Indicator, filename: str, raw, *, author=None):
    """Store and check a file of values for `indicator` (now, or in the worker if large).

    Raises `ImportFileError` when the file as a whole cannot be read."""
    return engine.start(KIND, filename, raw, author=author, options={"indicator": indicator.pk})


confirm_import = engine.confirm


def recent_jobs(limit: int = 10) -> list:
    """The latest import jobs of values, each with its `indicator` (for the staff home)."""
    jobs = list(ImportJob.objects.filter(kind=KIND)[:limit])
    indicators = Indicator.objects.in_bulk({job.options.get("indicator") for job in jobs})
    for job in jobs:
        job.indicator = indicators.get(job.options.get("indicator"))
    return jobs


def jobs_of(indicator: Indicator):
    """The import jobs of one indicator's values, newest first."""
    return ImportJob.objects.filter(kind=KIND, options__indicator=indicator.pk).select_related(
        "created_by"
    )


def template_csv() -> str:
    return "code_insee;annee;valeur;unite;theme\n59350;2024;512,4;kg/hab;waste\n"
