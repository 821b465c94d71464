"""A queryset compiled once answers as the ORM would, for any value bound to it."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models import Count

from tisser.core.compiled import CompiledQuery

pytestmark = pytest.mark.django_db


def test_each_call_binds_its_own_value_and_keeps_annotations():
    first = Group.objects.create(name="Un")
    second = Group.objects.create(name="Deux")
    second.permissions.add(*Permission.objects.all()[:2])
    query = CompiledQuery(
        Group,
        lambda name: (
            Group.objects.annotate(n=Count("permissions")).filter(name=name).order_by("pk")
        ),
    )
    found = query.first("Deux")
    assert (found.pk, found.name, found.n) == (second.pk, "Deux", 2)
    assert query.first("Un").pk == first.pk
    assert query.first("Trois") is None
    assert len(query.compiled) == 1  # compiled once for both values


def test_a_value_the_orm_transforms_is_refused():
    query = CompiledQuery(Group, lambda text: Group.objects.filter(name__icontains=text))
    with pytest.raises(ValueError):
        query.first("un")


def test_values_are_read_as_the_orm_reads_them(django_user_model):
    """Converters apply (booleans and datetimes on SQLite, for instance)."""
    field = django_user_model.USERNAME_FIELD
    user = django_user_model.objects.create(**{field: "ada@example.org"}, is_staff=True)
    query = CompiledQuery(
        django_user_model, lambda name: django_user_model.objects.filter(**{field: name})
    )
    found = query.first("ada@example.org")
    expected = django_user_model.objects.get(pk=user.pk)
    assert (found.is_staff, found.date_joined) == (True, expected.date_joined)
    assert found.is_staff is True


def test_select_related_is_refused():
    query = CompiledQuery(
        Permission, lambda name: Permission.objects.select_related("content_type").filter(name=name)
    )
    with pytest.raises(ValueError):
        query.first("x")
