"""French typography, checked where the words live: the French catalogues.

`make lint` runs `python -m tisser.core.typography` and fails on a French translation
that breaks the project's rules (docs/guide/typographie.md):

- a no-break space (U+00A0, or the thin U+202F) before ":", ";", "!" and "?";
- a no-break space inside « guillemets »;
- one inclusive-writing convention, the point médian as the newsletters write it
  ("participant·e·s"): never "inscrit(e)", never "confirmé·es";
- no fuzzy and no empty translation (a fuzzy one is shown in English).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po

NO_BREAK = "\u00a0\u202f"
#: A mark that ends a clause: followed by the end, a space, a tag, a quote or a bracket
#: (not "http://", "10:30" or "?q=").
PUNCTUATION = re.compile(r"(?<=.)([:;!?])(?=$|[\s<\"»)\]:;!?.,'’])")
RULES = (
    (re.compile(r"\w\((?:e|es|s|ne|le)\)"), "inclusive writing with brackets; write ·e"),
    (re.compile(r"\w·es\b"), "write ·e·s (participant·e·s), not ·es"),
    (re.compile(rf"«(?![{NO_BREAK}])"), "no-break space missing after «"),
    (re.compile(rf"(?<![{NO_BREAK}])»"), "no-break space missing before »"),
)


def problems_in(text: str) -> list[str]:
    """What is wrong with one French translation (empty when nothing is)."""
    found = []
    for match in PUNCTUATION.finditer(text):
        if text[match.start() - 1] not in NO_BREAK:
            found.append(f"no-break space missing before “{match.group(1)}”")
    for pattern, message in RULES:
        if pattern.search(text):
            found.append(message)
    return found


def check_catalogue(path: Path) -> list[str]:
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    report = []
    for message in catalogue:
        if not message.id:
            continue  # the header
        where = f"{path}:{message.lineno}"
        msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if message.fuzzy:
            report.append(f"{where}: fuzzy translation (shown in English): {msgid!r}")
        if not all(strings):
            report.append(f"{where}: no translation: {msgid!r}")
        for string in strings:
            for problem in problems_in(string or ""):
                report.append(f"{where}: {problem}: {string!r}")
    return report


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted(Path("tisser").glob("*/locale/fr/LC_MESSAGES/*.po"))
    report = [line for path in paths for line in check_catalogue(path)]
    for line in report:
        print(line)
    if report:
        print(f"{len(report)} French typography problem(s); see tisser/core/typography.py.")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
