"""What a domain declares to import a kind of file: its columns, its row check, its writer.

Everything else (storing the file, reading it, batches, progress, heartbeat, preview,
errors, confirm, cancel, restart, retention, the staff pages) is the engine's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .reading import ImportFileError, open_table


@dataclass
class Row:
    """One row of the file: its line number and its values by column key."""

    line: int
    values: dict
    extra: int = 0  # cells beyond the last column


@dataclass
class Result:
    """What would happen to one row: an action ("create", "update", "skip"…) or errors."""

    line: int
    action: str
    label: str = ""
    messages: list = field(default_factory=list)
    detail: dict = field(default_factory=dict)  # JSON-ready, kept in the preview
    payload: dict = field(default_factory=dict)  # for the writer only (objects allowed)

    def as_json(self) -> dict:
        return {
            "line": self.line,
            "action": self.action,
            "label": self.label,
            "messages": list(self.messages),
            **self.detail,
        }


class RowError(Exception):
    """A row refused while it is written: the batch it belongs to is rolled back."""

    def __init__(self, line: int, messages: list[str]):
        super().__init__(line, messages)
        self.line = line
        self.messages = messages


class Importer:
    """Base of every domain's import; subclass it and `register()` an instance.

    A domain declares its columns (`columns`, `required`), its row check (`check_batch`)
    and its batch writer (`write_batch`). Both steps read the file in batches of
    `batch_size` rows: the check (preview, before confirming) and the run (each batch
    checked again, then written in the same transaction as the job's progress).

    To be fast, work per batch, never per row: look existing records up in one query
    per batch (by their normalised keys: `bulk.among` for the `IN`), write with
    `bulk.insert` / `bulk.insert_new` / `bulk.update` (COPY on PostgreSQL). `begin`
    receives the step ("check" or "run"): a run follows a check that found no error in
    the same file, so `check_batch` may leave out there what depends on the row alone
    (formats, validators) and ask the database again only (what may have changed since).
    """

    kind = ""
    label = ""
    #: column key -> header names accepted for it (compared after `reading.header_key`)
    columns: dict[str, tuple[str, ...]] = {}
    required: tuple[str, ...] = ()
    #: refuse a file with a column the import does not know (a typo would lose data)
    strict_columns = False
    batch_size = 500
    extensions = (".csv", ".xlsx")
    #: a form with the import's own choices (a list, a mapping), shown above the file
    options_form = None
    #: the column names and meanings shown on the upload page: [(header, meaning, example)]
    help_columns: list = []
    #: where the upload page lives when the domain has its own (else the generic one)
    upload_url_name = ""
    #: rows read from elsewhere than the upload (large files on the server, named in the
    #: options): never read while the upload is answered, always checked in the worker
    check_in_worker = False
    #: column key -> the header shown in messages, when the key is not a header itself
    column_names: dict[str, str] = {}

    def column_name(self, key: str) -> str:
        """How the staff pages name a column: the header listed first for it."""
        return self.column_names.get(key, key)

    def upload_url(self, job=None) -> str:
        """The page to send a (corrected) file; a domain whose page depends on the job's
        options (an indicator's page) overrides this."""
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse(self.upload_url_name) if self.upload_url_name else ""
        except NoReverseMatch:
            return ""

    def allowed(self, user) -> bool:
        """Who may see and run this import (the domain says: core knows no roles)."""
        return False

    def options_from(self, cleaned_data: dict) -> dict:
        """The JSON-ready options kept on the job, from the options form's data."""
        return {}

    def describe(self, job) -> str:
        """One line about the job's options for the staff pages ("into the list X")."""
        return ""

    def action_labels(self) -> dict:
        return {
            "create": _("to create"),
            "update": _("to update"),
            "skip": _("left as is"),
            "error": _("errors"),
        }

    def count_labels(self) -> dict:
        """The report's sentence for each count the writer returns: key -> f(count)."""
        return {
            "created": lambda n: ngettext("%(count)s created", "%(count)s created", n),
            "updated": lambda n: ngettext("%(count)s updated", "%(count)s updated", n),
        }

    def rows(self, job, path: str) -> Iterator[Row]:
        """The rows of the file, mapped to column keys (CSV/XLSX; override for others)."""
        table = open_table(path, job.filename)
        key_of, rank = {}, {}
        for alias_key, aliases in self.columns.items():
            for order, alias in enumerate((*aliases, alias_key)):
                if alias not in key_of:
                    key_of[alias], rank[alias] = alias_key, order
        keys = [key_of.get(h, "") for h in table.headers]
        # Two headers for one key ("Nom adhérent" and "Nom payeur"): the first alias wins.
        best = {}
        for i, (h, k) in enumerate(zip(table.headers, keys, strict=True)):
            if k and (k not in best or rank[h] < rank[table.headers[best[k]]]):
                best[k] = i
        keys = [k if k and best[k] == i else "" for i, k in enumerate(keys)]
        unknown = [
            raw or h
            for h, k, raw in zip(
                table.headers, keys, table.raw_headers or table.headers, strict=False
            )
            if h and not key_of.get(h)
        ]
        missing = [self.column_name(k) for k in self.required if k not in keys]
        if missing:
            raise ImportFileError(
                _("Missing column: %(columns)s. The first line must hold the column names.")
                % {"columns": ", ".join(missing)}
            )
        if unknown and self.strict_columns:
            raise ImportFileError(
                _("Unknown column: %(columns)s. Expected columns: %(expected)s.")
                % {
                    "columns": ", ".join(unknown),
                    "expected": ", ".join(self.column_name(k) for k in self.columns),
                }
            )
        width = len(keys)
        for line, cells in table.rows:
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            values = {k: (cells[i] if i < len(cells) else "") for i, k in enumerate(keys) if k}
            extra = sum(1 for c in cells[width:] if c)
            yield Row(line, values, extra)

    def begin(self, job, step: str) -> dict:
        """State shared by the batches of one step ("check" or "run"): lookups, seen keys."""
        return {}

    def check_batch(self, job, rows: list[Row], state: dict) -> list[Result]:
        """One Result per row, in order: its action, or its errors (`messages`). What the
        writer needs goes in `payload` (kept in memory for one batch only)."""
        raise NotImplementedError

    def write_batch(self, job, rows: list[Row], results: list[Result], state: dict) -> dict:
        """Write checked rows (inside the engine's transaction); return counts to add."""
        raise NotImplementedError

    def summary(self, job, state: dict) -> dict:
        """What the check found beyond the rows (kept in `job.counts`), e.g. category names."""
        return {}

    def next_step(self, job):
        """(url, label) of a step of the domain's own between check and confirm, or None."""
        return None

    def finish(self, job) -> None:
        """After the last batch is committed (queue follow-up work, e.g. geocoding)."""


_REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    _REGISTRY[importer.kind] = importer
    return importer


def get(kind: str) -> Importer:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(kind) from None


def all_importers() -> list[Importer]:
    return list(_REGISTRY.values())
