"""Importing indicator values from a CSV or XLSX file: read, check (preview), commit whole.

Columns (first line, any order, French or English names): `code_insee` (or `code`),
`annee`/`year`, `valeur`/`value`, and optionally `niveau`/`level`, `unite`/`unit`,
`theme`. Without a level, a 5-character code is a commune, 9 digits an EPCI and 2–3
characters a département (régions need `niveau=region` or a `reg-32` code, since "32" is
also the Gers). Every bad row is reported with its line number; nothing is written while
one remains.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from tisser.core.imports.reading import ImportFileError, open_table_bytes
from tisser.core.text import fold
from tisser.territories.models import Commune, Departement, Epci, Region

from .models import Indicator, IndicatorImport, Level, Theme

MAX_ROWS = 200_000
HEADER_ALIASES = {
    "code_insee": "code",
    "code": "code",
    "insee": "code",
    "codgeo": "code",
    "annee": "year",
    "year": "year",
    "valeur": "value",
    "value": "value",
    "niveau": "level",
    "level": "level",
    "unite": "unit",
    "unit": "unit",
    "theme": "theme",
}
REQUIRED = {"code", "year", "value"}
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


def _table(name: str, raw: bytes) -> list[list[str]]:
    """The header and the rows, read by the shared reader (encoding, delimiter, XLSX)."""
    table = open_table_bytes(raw, name)
    return [table.raw_headers, *(cells for _line, cells in table.rows)]


def read_rows(name: str, raw: bytes) -> list[dict]:
    """Numbered rows `{"line": n, "code": …, "year": …, …}` (text); line 1 is the header."""
    table = _table(name, raw)
    if not table or not any(str(cell).strip() for cell in table[0]):
        raise ImportFileError(_("The file is empty: the first line must hold the column names."))
    headers = [HEADER_ALIASES.get(fold(cell).replace(" ", "_"), "") for cell in table[0]]
    unknown = [cell for cell, key in zip(table[0], headers, strict=True) if cell and not key]
    if unknown:
        raise ImportFileError(
            _("Unknown column: %(columns)s. Expected columns: %(expected)s.")
            % {
                "columns": ", ".join(unknown),
                "expected": "code_insee, annee, valeur, niveau, unite, theme",
            }
        )
    missing = REQUIRED - set(headers)
    if missing:
        names = {"code": "code_insee", "year": "annee", "value": "valeur"}
        raise ImportFileError(
            _("Missing column: %(columns)s. The first line must hold the column names.")
            % {"columns": ", ".join(sorted(names[m] for m in missing))}
        )
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        cells = [str(c).strip() for c in cells]
        if not any(cells):
            continue
        row = {"line": line}
        for index, key in enumerate(headers):
            if key:
                row[key] = cells[index] if index < len(cells) else ""
        row["extra"] = sum(1 for c in cells[len(headers) :] if c)
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS}
            )
    if not rows:
        raise ImportFileError(_("The file has no rows below the column names."))
    return rows


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
        if row.get("extra"):
            messages.append(_("This row has more values than there are columns."))
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


def check_rows(indicator: Indicator, rows: list[dict], progress=None) -> list[dict]:
    checker = Checker(indicator)
    results = []
    for done, row in enumerate(rows, start=1):
        results.append(checker.check(row))
        if progress:
            progress(done)
    return results


# --- progress while the commit's transaction is open ---------------------------------


class ProgressReporter:
    """Reports `done` on an import at most every 0.2 s, visible outside its transaction:
    through a second connection in autocommit on PostgreSQL, a small file on SQLite (as
    `tisser.core.imports.progress` does for the HelloAsso import)."""

    def __init__(self, job_id: int):
        self.job_id, self.last, self.side = job_id, 0.0, None

    def path(self) -> Path:
        folder = Path(settings.DATA_DIR) / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"indicator-{self.job_id}.progress"

    def report(self, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < 0.2:
            return
        self.last = now
        if connection.vendor == "sqlite":
            tmp = self.path().with_suffix(".tmp")
            tmp.write_text(str(done))
            tmp.replace(self.path())
            return
        if self.side is None:
            self.side = connection.get_new_connection(connection.get_connection_params())
            self.side.autocommit = True
        table = connection.ops.quote_name(IndicatorImport._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET done = %s WHERE id = %s", [done, self.job_id])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None
        self.path().unlink(missing_ok=True)


def current_progress(job: IndicatorImport) -> int:
    if job.status == IndicatorImport.Status.RUNNING and connection.vendor == "sqlite":
        try:
            return int(ProgressReporter(job.pk).path().read_text() or 0)
        except (OSError, ValueError):
            return job.done
    return job.done


def template_csv() -> str:
    return "code_insee;annee;valeur;unite;theme\n59350;2024;512,4;kg/hab;waste\n"
