"""Reading an uploaded CSV or XLSX file into numbered rows of text."""

import csv
import io
import zipfile

from django.utils.translation import gettext as _

from tisser.core.text import fold

from .columns import HEADERS, REQUIRED

MAX_ROWS = 20000


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""


def _header_key(value) -> str:
    return fold(str(value or "")).replace(" ", "_")


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is not text in UTF-8 or Windows-1252."))


def _csv_rows(raw: bytes) -> list[list[str]]:
    text = _decode(raw)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file is malformed near line %(line)s (%(error)s): check the quotes.")
            % {"line": reader.line_num, "error": error}
        ) from error
    return rows


def _xlsx_rows(raw: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from error
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append(["" if v is None else _cell_text(v) for v in values])
    workbook.close()
    return rows


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e6:
        return str(int(value))  # a SIRET typed as a number
    return str(value).strip()


def read_table(name: str, raw: bytes) -> list[dict]:
    """Rows as `{"line": n, "values": {header: text}, "extra": [...]}`; line 1 is the header.

    Raises ImportFileError when the file cannot be read or lacks the required columns.
    """
    lower = (name or "").lower()
    if lower.endswith(".xlsx"):
        table = _xlsx_rows(raw)
    elif lower.endswith((".csv", ".txt")):
        table = _csv_rows(raw)
    else:
        raise ImportFileError(_("Send a .csv or .xlsx file."))
    if not table or not any(cell.strip() for cell in table[0]):
        raise ImportFileError(_("The file is empty: the first line must hold the column names."))
    headers = [_header_key(cell) for cell in table[0]]
    while headers and not headers[-1]:
        headers.pop()
    missing = REQUIRED - set(headers)
    if missing:
        raise ImportFileError(
            _("Missing column: %(columns)s. The first line must hold the column names.")
            % {"columns": ", ".join(sorted(missing))}
        )
    unknown = [h for h in headers if h and h not in HEADERS]
    if unknown:
        raise ImportFileError(
            _("Unknown column: %(columns)s. Expected columns: %(expected)s.")
            % {"columns": ", ".join(unknown), "expected": ", ".join(HEADERS)}
        )
    rows = []
    for index, cells in enumerate(table[1:], start=2):
        cells = [str(c).strip() for c in cells]
        if not any(cells):
            continue
        values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h}
        extra = [c for c in cells[len(headers) :] if c]
        rows.append({"line": index, "values": values, "extra": len(extra)})
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS}
            )
    return rows
