"""Inserts of the hot path write what `save()` would, with SQL written once per shape."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from tisser.core import upsert

pytestmark = pytest.mark.django_db


def test_insert_rows_writes_every_row_as_save_would():
    kind = ContentType.objects.get_for_model(Group)
    rows = [Permission(name=f"Droit {n}", codename=f"droit_{n}", content_type=kind) for n in (1, 2)]
    upsert.insert_rows(rows)
    written = Permission.objects.filter(codename__startswith="droit_").order_by("codename")
    assert [(p.name, p.content_type_id) for p in written] == [
        ("Droit 1", kind.pk),
        ("Droit 2", kind.pk),
    ]
    upsert.insert_rows([])  # nothing to write: no statement, no error
    assert written.count() == 2


def test_insert_rows_refuses_a_mix_of_set_and_unset_primary_keys():
    with pytest.raises(ValueError):
        upsert.insert_rows([Group(name="Un"), Group(pk=999, name="Deux")])


def test_insert_returning_binds_each_rows_values_and_its_conflict_clause():
    first = Group(name="Un")
    assert upsert.insert_returning(first) == (first.pk,)
    second = Group(name="Deux")
    assert upsert.insert_returning(second) == (second.pk,)
    assert upsert.insert_returning(Group(name="Un"), conflict="(name) DO NOTHING") is None
    assert sorted(Group.objects.values_list("name", flat=True)) == ["Deux", "Un"]


def test_insert_rows_writes_a_long_list_too():
    upsert.insert_rows([Group(name=f"Groupe {n}") for n in range(25)])
    assert Group.objects.filter(name__startswith="Groupe ").count() == 25
