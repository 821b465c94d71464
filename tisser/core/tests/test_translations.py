"""French is complete: every catalogue is fully translated, and no string in the code is
missing from the catalogues (checked with GNU gettext when it is installed)."""

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

TISSER = Path(settings.BASE_DIR) / "tisser"


def french_catalogues(root: Path = TISSER) -> list[Path]:
    return sorted(root.glob("**/locale/fr/LC_MESSAGES/django.po"))


def msgids(po_path: Path) -> dict[str, str]:
    """msgid -> where it was first found in the code."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    return {
        (message.id if isinstance(message.id, str) else message.id[0]): (
            "{}:{}".format(*message.locations[0]) if message.locations else "?"
        )
        for message in catalog
        if message.id
    }


def untranslated_or_fuzzy(po_path: Path) -> list[str]:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        name = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            problems.append(f"fuzzy: {name!r}")
        elif not all(strings):
            problems.append(f"untranslated: {name!r}")
    return problems


def test_there_are_french_catalogues_for_core_accounts_and_the_project():
    found = {path.relative_to(TISSER).parts[0] for path in french_catalogues()}
    assert {"core", "accounts", "locale"} <= found


@pytest.mark.parametrize(
    "po_path", french_catalogues(), ids=lambda path: str(path.relative_to(TISSER))
)
def test_french_catalogue_is_complete(po_path):
    assert untranslated_or_fuzzy(po_path) == []


def test_no_string_in_the_code_is_missing_from_the_catalogues(tmp_path, settings, monkeypatch):
    """Run makemessages on a copy of the tree: it must find no msgid we have not committed."""
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        pytest.skip("GNU gettext is not installed (apt-get install gettext); CI installs it")
    copy = tmp_path / "tisser"
    shutil.copytree(
        TISSER,
        copy,
        ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo", "*.pyc", "node_modules"),
    )
    settings.LOCALE_PATHS = []  # never touch the real tree
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], verbosity=0)

    missing = {}
    for committed in french_catalogues():
        regenerated = msgids(copy / committed.relative_to(TISSER))
        new = sorted(set(regenerated) - set(msgids(committed)))
        if new:
            where = sorted({regenerated[msgid].rsplit(":", 1)[0] for msgid in new})
            missing[str(committed.relative_to(TISSER))] = {
                "count": len(new),
                "files": where[:15],
                "first": new[:10],
            }
    # A folder with strings but no catalogue of its own falls back to the project one.
    assert missing == {}, f"run makemessages in these apps and translate: {missing}"


def test_no_string_is_translated_two_ways():
    """Django merges every app's catalogue and the first app in INSTALLED_APPS wins: the
    same msgid translated differently in two apps would silently change the other app's
    pages. Use a context (pgettext) when the meanings differ."""
    seen: dict[tuple, tuple[str, object]] = {}
    clashes = []
    for po_path in french_catalogues():
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        where = str(po_path.relative_to(TISSER)).split("/locale")[0] or "project"
        for message in catalog:
            if not message.id or not message.string or message.fuzzy:
                continue
            key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
            if key in seen and seen[key][1] != message.string:
                clashes.append(
                    f"{key[1]!r}: {seen[key][0]} {seen[key][1]!r} / {where} {message.string!r}"
                )
            seen.setdefault(key, (where, message.string))
    assert clashes == []


def test_make_messages_leaves_the_committed_catalogues_unchanged(tmp_path, settings, monkeypatch):
    """`make messages` on an unchanged tree rewrites nothing: one tool writes the
    catalogues, with the Makefile's options, run here on a copy of the tree."""
    import shlex

    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        pytest.skip("GNU gettext is not installed (apt-get install gettext); CI installs it")
    makefile = (TISSER.parent / "Makefile").read_text(encoding="utf-8")
    recipe = next(line for line in makefile.splitlines() if "manage.py makemessages" in line)
    arguments = shlex.split(recipe.split("manage.py makemessages", 1)[1])
    copy = tmp_path / "tisser"
    shutil.copytree(
        TISSER, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc", "node_modules")
    )
    settings.LOCALE_PATHS = [copy / "locale"]  # the copy's project catalogue, never the tree's
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", *arguments, verbosity=0)

    def catalogues(root: Path) -> dict[str, bytes]:
        return {
            str(path.relative_to(root)): path.read_bytes() for path in root.glob("**/django.po")
        }

    committed, regenerated = catalogues(TISSER), catalogues(copy)
    assert sorted(regenerated) == sorted(committed), "makemessages made or lost a catalogue"
    changed = [name for name in committed if regenerated[name] != committed[name]]
    assert changed == [], f"make messages rewrote {changed}: run it and commit the result"
