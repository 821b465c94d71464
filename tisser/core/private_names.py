"""`make lint`: no module of Tisser uses a private name (`_name`) of another module.

A leading underscore says "this module's own business": a module that reaches into
another's private functions depends on how that one is written today, not on what it
offers, and the two can no longer change apart. What a module needs from another is made
public there (a name without underscore, a short docstring), or moved to where both can use
it. Caught: `from x import _name`, and `x._name` where `x` is a module of the project
imported by this one (not a class: `Model._meta` is Django's public API). Tests are not
checked: they may look inside what they test.

Run: `python -m tisser.core.private_names` (exits 1 and lists the uses when there are any).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "tisser"

#: Uses still waiting for the modules being reorganised elsewhere; each line is
#: "importing file: module.name". Empty it as those land: a fixed line that stays listed
#: fails the check too, so this list only ever shrinks.
ALLOWED: set[str] = set()


@dataclass(frozen=True, order=True)
class Use:
    path: str
    line: int
    module: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.path}: {self.module}.{self.name}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: uses {self.name} of {self.module}"


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def is_module(name: str) -> bool:
    """Whether a dotted name is a module or package of the project (not a class in one)."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def module_name(relative: str) -> str:
    parts = list(Path(relative).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def absolute(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a `from … import` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = current.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def uses_in(path: Path) -> list[Use]:
    return uses_in_source(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))


def uses_in_source(source: str, relative: str) -> list[Use]:
    """The private names of other project modules that `source` (the file `relative`,
    e.g. "tisser/events/views.py") uses."""
    tree = ast.parse(source, filename=relative)
    here, is_package = module_name(relative), relative.endswith("__init__.py")
    modules: dict[str, str] = {}  # local name → project module it is bound to
    found: list[Use] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    if alias.asname:
                        modules[alias.asname] = alias.name
                    for name in alias.name.split(".")[1:]:
                        if is_private(name):
                            found.append(Use(relative, node.lineno, alias.name, name))
        elif isinstance(node, ast.ImportFrom):
            source = absolute(here, is_package, node)
            if source.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                if is_private(alias.name) and source != here:
                    found.append(Use(relative, node.lineno, source, alias.name))
                if is_module(f"{source}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{source}.{alias.name}"
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and is_private(node.attr)
            and modules[node.value.id] != here
        ):
            found.append(Use(relative, node.lineno, modules[node.value.id], node.attr))
    return found


def project_files() -> list[Path]:
    return sorted(
        path
        for path in (ROOT / PACKAGE).rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.name != "conftest.py"
    )


def check() -> tuple[list[Use], list[str]]:
    """(uses not allowed, allowed entries that no longer occur)."""
    uses = sorted({use for path in project_files() for use in uses_in(path)})
    wrong = [use for use in uses if use.key not in ALLOWED]
    stale = sorted(ALLOWED - {use.key for use in uses})
    return wrong, stale


def main() -> int:
    wrong, stale = check()
    for use in wrong:
        print(use)
    for key in stale:
        print(f"no longer used, remove it from ALLOWED in {__name__}: {key}")
    if wrong:
        print(
            f"{len(wrong)} use(s) of another module's private name: make the name public "
            "where it is defined, or move it to where both modules can use it."
        )
    return 1 if wrong or stale else 0


if __name__ == "__main__":
    sys.exit(main())
