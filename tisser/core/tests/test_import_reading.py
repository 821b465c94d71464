"""Reading an import file once for every import: encodings, delimiters, XLSX, empty files,
and a million-line file streamed in bounded memory."""

import tracemalloc

import pytest
from openpyxl import Workbook

from tisser.core.imports.reading import ImportFileError, detect_delimiter, open_table

ROWS = [["nom", "commune", "email"], ["Épicerie « Œuvre »", "Sète", "léa@exemple.fr"]]


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _read(path, name):
    table = open_table(path, name)
    return table, list(table.rows)


def _csv(delimiter=";"):
    return "\r\n".join(delimiter.join(r) for r in ROWS) + "\r\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")],
)
def test_encodings_are_detected(tmp_path, encoding, expected):
    path = _write(tmp_path, "f.csv", _csv().encode(encoding))
    table, rows = _read(path, "f.csv")
    assert table.encoding == expected
    assert table.headers == ["nom", "commune", "email"]  # no BOM left in the first header
    assert rows == [(2, ROWS[1])]


def test_windows_1252_far_from_ascii_is_still_read(tmp_path):
    text = "nom;ville\n" + "".join(f"Coopérative n°{n} — «œuvre»;Besançon\n" for n in range(50))
    table, rows = _read(_write(tmp_path, "f.csv", text.encode("cp1252")), "f.csv")
    assert table.encoding == "cp1252"
    assert rows[0][1] == ["Coopérative n°0 — «œuvre»", "Besançon"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_detected(tmp_path, delimiter):
    table, rows = _read(_write(tmp_path, "f.csv", _csv(delimiter).encode()), "f.csv")
    assert table.delimiter == delimiter
    assert rows == [(2, ROWS[1])]


def test_a_delimiter_inside_quotes_does_not_mislead():
    lines = ["nom;adresse;ville", '"Coop, la";"1, rue A";Lille', '"B, C";"2, rue B";Lens']
    assert detect_delimiter(lines) == ";"


def test_xlsx_is_streamed_with_typed_cells(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "SIRET", "Date"])
    sheet.append(["Atelier", 73282932000074, None])
    path = str(tmp_path / "f.xlsx")
    workbook.save(path)
    table, rows = _read(path, "f.xlsx")
    assert table.headers == ["nom", "siret", "date"]
    assert rows == [(2, ["Atelier", "73282932000074", ""])]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("f.csv", b"", "empty"),
        ("f.csv", b"\n\n  \n", "empty"),
        ("f.xlsx", b"PK not really", "XLSX"),
        ("f.pdf", b"%PDF-1.4", ".csv"),
        ("f.csv", b"nom\x00;x\n", "not text"),
    ],
)
def test_unreadable_files_say_why(tmp_path, settings, name, data, message):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ImportFileError, match=message):
        _read(_write(tmp_path, name, data), name)


def test_a_malformed_line_is_reported_with_its_number(tmp_path, settings):
    settings.LANGUAGE_CODE = "en"
    data = b'nom;ville\nA;Lille\n"B;Lille\nC;Lens'
    table = open_table(_write(tmp_path, "f.csv", data), "f.csv")
    with pytest.raises(ImportFileError, match="line 3|line 4"):
        list(table.rows)


def test_a_million_lines_are_streamed_in_bounded_memory(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("EMAIL;NOM;PRENOM\n")
        for n in range(1_000_000):
            handle.write(f"abonne{n}@exemple.fr;Nom{n};Prénom\n")
    assert path.stat().st_size > 30_000_000
    tracemalloc.start()
    try:
        count, last = 0, None
        for line, cells in open_table(str(path), "big.csv").rows:
            count += 1
            last = (line, cells)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 1_000_000
    assert last == (1_000_001, ["abonne999999@exemple.fr", "Nom999999", "Prénom"])
    assert peak < 5_000_000, f"peak {peak} bytes: the file was not streamed"
