"""What the commands of `make run` print: one language, the user's.

The language is read from the environment as a terminal sets it (`LC_ALL`, then
`LC_MESSAGES`, then `LANG`): English when it starts with `en`, French otherwise — French
first, and the only other language Tisser speaks. Commands that `make run` calls derive
from `ConsoleCommand`, which runs them in that language.

The block `manage.py serve` ends with (the address, then whatever the apps register with
`register_startup_note`, e.g. the demo logins) is built here; core knows no domain, so the
apps bring their own lines.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils import formats, translation

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_notes: list[Callable[[], Iterable[str]]] = []


def language() -> str:
    """ "en" or "fr", from the first locale variable of the environment that is set."""
    for name in LOCALE_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:
            return "en" if value.lower().startswith("en") else "fr"
    return "fr"


def number(value: int) -> str:
    """A count as the language writes it ("34 969" in French, "34,969" in English)."""
    return formats.number_format(value, force_grouping=True)


class ConsoleCommand(BaseCommand):
    """A management command that speaks the console's language (see `language`)."""

    def execute(self, *args, **options):
        with translation.override(language()):
            return super().execute(*args, **options)


def register_startup_note(note: Callable[[], Iterable[str]]) -> None:
    """Add lines to the block `serve` prints once the site answers (called in the active
    language; return nothing to add nothing)."""
    if note not in _notes:
        _notes.append(note)


def startup_notes() -> list[list[str]]:
    """The registered notes' lines, one list per note that has something to say (a note
    that cannot say it, e.g. before the database is migrated, is left out)."""
    found = []
    for note in _notes:
        try:
            lines = [str(line) for line in note() if line is not None]
        except DatabaseError:
            continue
        if lines:
            found.append(lines)
    return found
