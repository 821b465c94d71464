"""Invented people the later demos need beyond the network's contacts: the participants of
past events, the newsletter's readers.

Deterministic (the n-th person of a series is always the same), found by address (a
second run creates nobody), written through the contacts base's own service, and
harmless: every address is under the reserved `.example` domain.
"""

from __future__ import annotations

import random

from tisser.core.text import fold
from tisser.directory.contacts.services_people import find_or_create_person

from ..models import Person
from . import vocabulary as v


def invented_person(series: str, index: int) -> tuple[str, str, str]:
    """(first name, last name, email) of the `index`-th person of `series`."""
    rng = random.Random(f"{series}:{index}")
    first, last = rng.choice(v.FIRST_NAMES), rng.choice(v.LAST_NAMES)
    local = f"{fold(first)}.{fold(last)}".replace(" ", "-").replace("'", "")
    return first, last, f"{local}.{index}@{series}.demo.example"


def invented_people(series: str, count: int) -> list[Person]:
    """The first `count` people of `series`, created if missing, in their order."""
    wanted = [invented_person(series, index) for index in range(count)]
    found = {
        p.email: p for p in Person.objects.filter(email__in=[email for _f, _l, email in wanted])
    }
    people = []
    for first, last, email in wanted:
        person = found.get(email)
        if person is None:
            person, _created = find_or_create_person(email=email, first_name=first, last_name=last)
        people.append(person)
    return people
