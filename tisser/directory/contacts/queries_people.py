"""Reads about people beyond the lists: possible duplicates, and the merge's redirects.

Two people are possibly the same when their folded names are equal (`people_keys`) and
they share an organisation or a phone number. Exact email is already unique.
"""

from __future__ import annotations

from django.db import connection

from tisser.directory.models import Affiliation, Person

# Two equi-joins the database answers with hashes or the (name_key, phone_key) index,
# whatever the spread of names: the same name and phone; the same name in the same
# organisation. The same SQL on SQLite and PostgreSQL.
_PAIRS_SQL = """
SELECT a.id, b.id FROM {person} a
JOIN {person} b ON b.name_key = a.name_key AND b.phone_key = a.phone_key AND b.id > a.id
WHERE a.name_key <> '' AND a.phone_key <> '' AND a.erased_at IS NULL AND b.erased_at IS NULL
UNION
SELECT a.person_id, b.person_id FROM (
    SELECT f.organisation_id, p.name_key, f.person_id FROM {affiliation} f
    JOIN {person} p ON p.id = f.person_id
    WHERE p.name_key <> '' AND p.erased_at IS NULL
) a JOIN (
    SELECT f.organisation_id, p.name_key, f.person_id FROM {affiliation} f
    JOIN {person} p ON p.id = f.person_id
    WHERE p.name_key <> '' AND p.erased_at IS NULL
) b ON b.organisation_id = a.organisation_id AND b.name_key = a.name_key
    AND b.person_id > a.person_id
"""


def duplicate_pairs() -> list[tuple[int, int]]:
    """Every pair (smaller id, larger id) of possibly identical people."""
    sql = _PAIRS_SQL.format(
        person=connection.ops.quote_name(Person._meta.db_table),
        affiliation=connection.ops.quote_name(Affiliation._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted((low, high) for low, high in cursor.fetchall())


def duplicate_groups(pairs) -> list[list[int]]:
    """Pairs joined into groups (A~B and B~C: one group of three), smallest id first."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for low, high in pairs:
        a, b = root(low), root(high)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for node in parent:
        groups.setdefault(root(node), []).append(node)
    return sorted((sorted(members) for members in groups.values()), key=lambda g: g[0])


def possible_duplicate_people(limit: int = 200) -> tuple[list[list[Person]], int]:
    """Groups of people who are possibly one (at most `limit` groups), and how many
    groups there are in all. The first of each group is the one to keep by default: the
    one with an account, else the oldest record."""
    groups = duplicate_groups(duplicate_pairs())
    shown = groups[:limit]
    wanted = {pk for group in shown for pk in group}
    people = {
        person.pk: person
        for person in Person.objects.filter(pk__in=wanted)
        .select_related("user")
        .prefetch_related("affiliations__organisation")
    }
    result = []
    for group in shown:
        members = [people[pk] for pk in group if pk in people]
        members.sort(key=lambda p: (p.user_id is None, p.created_at, p.pk))
        if len(members) > 1:
            result.append(members)
    return result, len(groups)


def namesakes(first_name: str, last_name: str, *, limit: int = 5) -> list[Person]:
    """People already in the base under this folded name (a new record may be one of them)."""
    from tisser.directory.people_keys import name_key

    key = name_key(first_name, last_name)
    if not key:
        return []
    return list(
        Person.objects.filter(name_key=key, erased_at__isnull=True)
        .prefetch_related("affiliations__organisation")
        .order_by("pk")[:limit]
    )
