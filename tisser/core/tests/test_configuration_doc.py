"""The administrators' guide lists every environment variable the code reads, and reads
nothing it does not list (docs/admin/configuration.md).

Found by reading the source, not by running it: a call `os.environ.get("X")`,
`os.getenv("X")`, `os.environ["X"]`, `os.environ.setdefault("X", …)`, or a call with a
literal first argument to any function that passes its own first parameter on to one of
those (`settings.env`, `env_bool`, `publications.conf._value`…). A name given as a
module-level constant (`CHILD_ENV = "TISSER_BENCH_DATABASE"`) counts as its value, and a
loop variable over a module-level tuple of names (`for name in LOCALE_VARIABLES`) as each.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOC = ROOT / "docs" / "admin" / "configuration.md"


def source_files() -> list[Path]:
    files = [ROOT / "manage.py", *sorted((ROOT / "benchmarks").rglob("*.py"))]
    for path in sorted((ROOT / "tisser").rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts)
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        files.append(path)
    return files


def _is_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _direct_read(node: ast.AST) -> ast.AST | None:
    """The name argument of an environment read, or None."""
    if isinstance(node, ast.Subscript) and _is_environ(node.value):
        return node.slice if isinstance(node.ctx, ast.Load) else None
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    if isinstance(func, ast.Attribute):
        if func.attr in {"get", "setdefault", "pop"} and _is_environ(func.value):
            return node.args[0]
        if func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os":
            return node.args[0]
    return None


def _read_argument(node: ast.AST, readers: set[str]) -> ast.AST | None:
    """The name argument of a direct read or of a call to one of `readers`, or None."""
    argument = _direct_read(node)
    if argument is not None:
        return argument
    if (
        isinstance(node, ast.Call)
        and node.args
        and isinstance(node.func, ast.Name)
        and node.func.id in readers
    ):
        return node.args[0]
    return None


def _strings(node: ast.AST) -> tuple[str, ...] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, ast.Tuple | ast.List) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return tuple(e.value for e in node.elts)
    return None


def constants(paths: list[Path]) -> dict[str, tuple[str, ...]]:
    """Module-level `NAME = "text"` (or a tuple of texts) assignments of the scanned files."""
    found = {}
    for path in paths:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and (values := _strings(node.value)) is not None
            ):
                found[node.targets[0].id] = values
    return found


def variables_read(path: Path, known: dict[str, tuple[str, ...]] | None = None) -> set[str]:
    known = dict(known or {})
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # `for name in NAMES:` → name stands for each of NAMES
        if (
            isinstance(node, ast.For)
            and isinstance(node.target, ast.Name)
            and isinstance(node.iter, ast.Name)
            and node.iter.id in known
        ):
            known[node.target.id] = known[node.iter.id]
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    readers: set[str] = set()
    changed = True
    while changed:  # wrappers of wrappers (env_bool → env → os.environ.get)
        changed = False
        for function in functions:
            if function.name in readers or not function.args.args:
                continue
            first = function.args.args[0].arg
            for node in ast.walk(function):
                argument = _read_argument(node, readers)
                if isinstance(argument, ast.Name) and argument.id == first:
                    readers.add(function.name)
                    changed = True
                    break
    found = set()
    for node in ast.walk(tree):
        argument = _read_argument(node, readers)
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            found.add(argument.value)
        elif isinstance(argument, ast.Name) and argument.id in known:
            found.update(known[argument.id])
    return found


def all_reads() -> dict[str, Path]:
    files = source_files()
    known = constants(files)
    return {name: path for path in files for name in variables_read(path, known)}


def documented() -> set[str]:
    """Every variable named in the first cell of a table row of the guide."""
    names = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_the_scanner_finds_reads_through_wrappers():
    assert {"TISSER_ENV", "DATABASE_URL", "BROKER_URL", "TISSER_EMAIL_USE_TLS"} <= (
        variables_read(ROOT / "tisser" / "settings.py")
    )
    conf = variables_read(ROOT / "tisser" / "publications" / "conf.py")
    assert {"TISSER_NEWSLETTER_CONNECTIONS", "TISSER_DKIM_DOMAIN"} <= conf


def test_every_environment_variable_read_is_in_the_administrators_guide():
    read = all_reads()
    missing = sorted(
        f"{name} ({read[name].relative_to(ROOT)})" for name in set(read) - documented()
    )
    assert missing == [], f"add a row to docs/admin/configuration.md for: {missing}"


def test_the_guide_lists_no_variable_that_nothing_reads():
    assert sorted(documented() - set(all_reads())) == []
