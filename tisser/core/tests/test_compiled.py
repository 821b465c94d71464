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


def _prepared_statements() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres
def test_on_postgresql_a_hot_statement_is_prepared_once_per_connection(
    settings, django_assert_num_queries
):
    from django.db import connection

    from tisser.core.compiled import hot_cursor

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (set DATABASE_URL=postgres://…)")
    Group.objects.create(name="Un")
    query = CompiledQuery(Group, lambda name: Group.objects.filter(name=name))
    with django_assert_num_queries(3) as captured:
        assert query.first("Un").name == "Un"
        assert query.first("Deux") is None
        with hot_cursor("default") as cursor:
            cursor.execute("SELECT %s::int + 1", [41])
            assert cursor.fetchone() == (42,)
    # Logged as written (tests' captured queries, DEBUG), one prepared statement each.
    assert '"auth_group"."name" = %s' in captured.captured_queries[0]["sql"]
    prepared = _prepared_statements()
    assert sum('"auth_group"."name" = $1' in sql for sql in prepared) == 1
    assert sum("SELECT $1::int + 1" in sql for sql in prepared) == 1
    # The ORM's own queries are not prepared (a pooler in transaction mode would lose them).
    assert list(Group.objects.filter(name="Un").values_list("name", flat=True)) == ["Un"]
    assert not [sql for sql in _prepared_statements() if 'SELECT "auth_group"."name"' in sql]


@pytest.mark.postgres
def test_prepared_statements_can_be_turned_off_for_a_pooler(settings):
    from django.db import connection

    from tisser.core.compiled import hot_cursor

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (set DATABASE_URL=postgres://…)")
    settings.TISSER_DB_PREPARED_STATEMENTS = False
    with hot_cursor("default") as cursor:
        cursor.execute("SELECT %s::int * 2", [21])
        assert cursor.fetchone() == (42,)
    assert not [sql for sql in _prepared_statements() if "* 2" in sql]


@pytest.mark.postgres
def test_hot_statements_read_values_as_djangos_cursor_does():
    """The hot cursor reads results in binary: every type comes back as Django's own
    cursor gives it (jsonb, inet and cidr as text, which Django's fields decode)."""
    from django.db import connection

    from tisser.core.compiled import hot_cursor

    if connection.vendor != "postgresql":
        pytest.skip("binary results are PostgreSQL's (set DATABASE_URL=postgres://…)")
    sql = (
        "SELECT %s::jsonb, '10.0.0.1'::inet, '10.0.0.0/8'::inet, '10.0.0.0/8'::cidr, "
        "'::1'::inet, '2026-12-06 10:00:00+01'::timestamptz, 1.50::numeric(8, 2), "
        "'É'::varchar, true, NULL::bigint, '2026-12-06'::date, 12::bigint"
    )
    params = ['{"a": [1, "é"]}']
    with hot_cursor("default") as cursor:
        cursor.execute(sql, params)
        hot = cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        usual = cursor.fetchone()
    assert hot == usual
    assert [type(value) for value in hot] == [type(value) for value in usual]
    assert hot[0] == '{"a": [1, "é"]}' and hot[1] == "10.0.0.1"
