"""Reading an import file once, for every import: CSV or XLSX, streamed row by row.

The text encoding of a CSV is guessed by charset-normalizer on a sample (a byte order mark
or valid UTF-8 wins first, as spreadsheet programs write them), its delimiter by which of
`, ; tab |` splits the first lines into the most consistent number of columns. An XLSX
workbook is read with openpyxl in read-only mode, one row at a time. Nothing holds the
whole file in memory.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tisser.core.text import fold

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (";", ",", "\t", "|")
# Encodings an export from a French office or an online tool may come in.
CANDIDATES = ["utf_8", "cp1252", "utf_16", "iso8859_15", "mac_roman"]
csv.field_size_limit(1024 * 1024)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""


def header_key(value) -> str:
    """A header as staff may write it ("Code postal", "CODE_POSTAL ") made comparable."""
    return fold(str(value or "")).strip().replace(" ", "_").replace("-", "_")


@dataclass
class Table:
    """The header row and an iterator over the numbered rows below it (line 1 is the header)."""

    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str = ""
    delimiter: str = ""
    raw_headers: list[str] = field(default_factory=list)


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(sample) - 3 and len(sample) >= SAMPLE_BYTES:
            return "utf-8"  # the sample cut a character in two
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=CANDIDATES).best()
    if best is None:
        raise ImportFileError(_("The file is not text (CSV): send a .csv or .xlsx file."))
    # ASCII-only samples and the Windows Latin family all read French exports alike.
    return "cp1252" if best.encoding in {"ascii", "iso8859_15", "latin_1"} else best.encoding


def detect_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the same, largest number of columns."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        same = sum(1 for w in widths if w == widths[0])
        score = (same, widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_table(path: str) -> Table:
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample.strip():
        raise ImportFileError(_("The file is empty: the first line must hold the column names."))
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(_("The file is not text (CSV): send a .csv or .xlsx file."))
    encoding = detect_encoding(sample)
    text_sample = sample.decode(encoding, errors="ignore")
    lines = text_sample.splitlines()[:20]
    if len(sample) == SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample is incomplete
    delimiter = detect_delimiter(lines)
    handle = open(path, encoding=encoding, newline="")  # noqa: SIM115 (closed by the iterator)
    reader = csv.reader(handle, delimiter=delimiter, strict=True)

    def failing(error, line):
        handle.close()
        if isinstance(error, UnicodeDecodeError):
            return ImportFileError(
                _("Line %(line)s is not text in the file's encoding (%(encoding)s).")
                % {"line": line, "encoding": encoding}
            )
        return ImportFileError(
            _("The CSV file is malformed near line %(line)s (%(error)s): check the quotes.")
            % {"line": line, "error": error}
        )

    try:
        header = next(reader, [])
    except (csv.Error, UnicodeDecodeError) as error:
        raise failing(error, 1) from error

    def rows():
        line = 1
        try:
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except (csv.Error, UnicodeDecodeError) as error:
                    raise failing(error, reader.line_num or line + 1) from error
                line = reader.line_num
                yield line, cells
        finally:
            handle.close()

    return Table(
        headers=[header_key(h) for h in header],
        rows=rows(),
        encoding=encoding,
        delimiter=delimiter,
        raw_headers=[h.strip() for h in header],
    )


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e6:
        return str(int(value))  # a SIRET or a phone typed as a number
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value).strip()


def _xlsx_table(path: str) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from error
    if not workbook.worksheets:
        workbook.close()
        raise ImportFileError(_("The file is not a readable XLSX workbook."))
    values = workbook.worksheets[0].iter_rows(values_only=True)
    header = [cell_text(v) for v in next(values, ())]

    def rows():
        try:
            for line, cells in enumerate(values, start=2):
                yield line, [cell_text(v) for v in cells]
        finally:
            workbook.close()

    return Table(headers=[header_key(h) for h in header], rows=rows(), raw_headers=header)


def open_table(path: str, filename: str) -> Table:
    """The table in the file at `path` (named `filename` by its sender).

    Raises ImportFileError when the file cannot be read at all; a malformed line met later
    raises it from the row iterator, with its line number.
    """
    lower = (filename or "").lower()
    if lower.endswith(".xlsx"):
        table = _xlsx_table(path)
    elif lower.endswith((".csv", ".txt", ".tsv")):
        table = _csv_table(path)
    else:
        raise ImportFileError(_("Send a .csv or .xlsx file."))
    while table.headers and not table.headers[-1]:
        table.headers.pop()
    if not table.headers:
        raise ImportFileError(_("The file is empty: the first line must hold the column names."))
    return table


def open_table_bytes(raw: bytes, filename: str) -> Table:
    """`open_table` for a file already in memory (the imports not yet on the engine keep
    their upload in a column): same detection, same messages."""
    import os
    import tempfile

    suffix = os.path.splitext(filename or "")[1].lower()[:10]
    with tempfile.NamedTemporaryFile(prefix="tisser-read-", suffix=suffix, delete=False) as f:
        f.write(raw)
    try:
        return open_table(f.name, filename)
    finally:
        os.unlink(f.name)  # the table keeps its open handle; the name is not needed
