"""Streaming the Sirene stock files (INSEE, Licence Ouverte): never a whole file in memory.

`StockUniteLegale` (legal units) gives the ESS flag (`economieSocialeSolidaireUniteLegale`
= "O"), the name and the legal category; `StockEtablissement` (establishments) the SIRET,
commune, address, activity and workforce. Both are comma-separated UTF-8 CSV with a header
line, as INSEE publishes them (plain or zipped).

Speed: the legal units are read first and give the set of ESS SIRENs (a few hundred
thousand in all France); each establishment line is then tested on its first nine
characters (the `siren` column comes first in INSEE's files) before any CSV parsing, so
the vast majority of lines cost one slice and one set lookup. Columns are found by name,
so a file with another column order still works, only slower.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tisser.core.imports.reading import ImportFileError

UNIT_COLUMNS = (
    "siren",
    "denominationUniteLegale",
    "categorieJuridiqueUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "activitePrincipaleUniteLegale",
    "trancheEffectifsUniteLegale",
    "etatAdministratifUniteLegale",
)
ESTABLISHMENT_COLUMNS = (
    "siren",
    "nic",
    "siret",
    "etatAdministratifEtablissement",
    "codeCommuneEtablissement",
    "activitePrincipaleEtablissement",
    "denominationUsuelleEtablissement",
    "enseigne1Etablissement",
    "numeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "trancheEffectifsEtablissement",
    "etablissementSiege",
)


class SireneFileError(ImportFileError):
    """A stock file cannot be read (missing, not CSV, columns missing)."""


@contextmanager
def open_stock(path: str | Path):
    """A text stream of a stock file, plain or the first CSV inside a zip."""
    path = Path(path)
    if not path.exists():
        raise SireneFileError(f"{path}: no such file")
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if not names:
                raise SireneFileError(f"{path}: no CSV inside the zip")
            with archive.open(names[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8", newline="")
        return
    with open(path, encoding="utf-8", newline="", buffering=1 << 20) as stream:
        yield stream


def _header(stream, required: tuple[str, ...], path) -> dict[str, int]:
    first = stream.readline()
    names = next(csv.reader([first]), [])
    index = {name.strip().lstrip("\ufeff"): i for i, name in enumerate(names)}
    missing = [c for c in required if c not in index]
    if missing:
        raise SireneFileError(f"{path}: missing columns {', '.join(missing)}")
    return index


def read_ess_units(path, *, progress: Callable[[int], None] | None = None) -> dict[str, dict]:
    """`{siren: {name, legal_category, naf, workforce}}` of the active ESS legal units."""
    found: dict[str, dict] = {}
    with open_stock(path) as stream:
        col = _header(stream, UNIT_COLUMNS, path)
        ess, state = col["economieSocialeSolidaireUniteLegale"], col["etatAdministratifUniteLegale"]
        width = max(col[c] for c in UNIT_COLUMNS) + 1
        for number, line in enumerate(stream, start=1):
            if progress and number % 200_000 == 0:
                progress(number)
            if ",O" not in line and '"O"' not in line:  # cheap pre-filter on the flag
                continue
            cells = next(csv.reader([line]))
            if len(cells) < width or cells[ess] != "O" or cells[state] != "A":
                continue
            found[cells[col["siren"]]] = {
                "name": cells[col["denominationUniteLegale"]],
                "legal_category": cells[col["categorieJuridiqueUniteLegale"]],
                "naf": cells[col["activitePrincipaleUniteLegale"]],
                "workforce": cells[col["trancheEffectifsUniteLegale"]],
            }
    return found


def read_establishments(
    path,
    sirens: set[str] | dict,
    communes: set[str],
    naf_prefixes: tuple[str, ...] = (),
    *,
    progress: Callable[[int, int], None] | None = None,
    stats: dict | None = None,
) -> Iterator[dict]:
    """Active establishments of the given SIRENs in the given communes (and NAF codes).

    Yields dicts named after INSEE's columns, with the file's `line` number (the header is
    line 1). `stats["rows"]` counts the lines read;
    `progress(rows, bytes)` is called every 100,000 lines.
    """
    stats = stats if stats is not None else {}
    stats["rows"] = 0
    with open_stock(path) as stream:
        col = _header(stream, ESTABLISHMENT_COLUMNS, path)
        fast = col["siren"] == 0
        commune_i, state_i, naf_i = (
            col["codeCommuneEtablissement"],
            col["etatAdministratifEtablissement"],
            col["activitePrincipaleEtablissement"],
        )
        width = max(col[c] for c in ESTABLISHMENT_COLUMNS) + 1
        rows = 0
        read_bytes = 0
        for line in stream:
            rows += 1
            if progress and rows % 100_000 == 0:
                stats["rows"] = rows
                progress(rows, read_bytes)
            if fast and line[:9] not in sirens:
                read_bytes += len(line)
                continue
            read_bytes += len(line)
            cells = next(csv.reader([line]))
            if len(cells) < width or cells[col["siren"]] not in sirens:
                continue
            if cells[commune_i] not in communes or cells[state_i] != "A":
                continue
            if naf_prefixes and not cells[naf_i].startswith(naf_prefixes):
                continue
            yield {"line": rows + 1, **{name: cells[col[name]] for name in ESTABLISHMENT_COLUMNS}}
        stats["rows"] = rows
