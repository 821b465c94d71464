"""The batch writers an import uses: the same outcome as the one-by-one services."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tisser.core.imports import bulk
from tisser.directory.contacts import services, services_batch
from tisser.directory.indexing import category_tag, match_key_for, refresh_derived_fields
from tisser.directory.models import Organisation, OrganisationRevision, Person

pytestmark = pytest.mark.django_db


def test_update_organisations_writes_fields_derived_fields_categories_and_revisions(
    communes, categories
):
    lille, arras = communes["lille"], communes["arras"]
    first = services.create_organisation({"name": "Épicerie", "commune": lille.code})
    second = services.create_organisation(
        {"name": "Garage", "commune": lille.code, "categories": ["mobilite"]}
    )
    Organisation.objects.filter(pk=first.pk).update(latitude=50.63, longitude=3.06)
    changed = services_batch.update_organisations(
        [
            (first.pk, {"name": "Épicerie du coin", "categories": [categories["alimentation"]]}),
            (second.pk, {"commune": arras, "website": "https://garage.example.org"}),
            (second.pk, {"website": "https://garage.example.org"}),  # nothing more to change
        ],
        source=OrganisationRevision.Source.IMPORT,
        notes=["ligne 2", "ligne 3", "ligne 4"],
    )
    assert {o.pk for o in changed} == {first.pk, second.pk}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.name == "Épicerie du coin"
    assert first.match_key == match_key_for("Épicerie du coin", lille.code)
    assert list(first.categories.values_list("slug", flat=True)) == ["alimentation"]
    assert category_tag(categories["alimentation"].pk) in first.filter_tags.split()
    assert (second.commune_id, second.website) == (arras.code, "https://garage.example.org")
    assert second.match_key == match_key_for("Garage", arras.code)
    assert category_tag(categories["mobilite"].pk) in second.filter_tags.split()  # kept
    notes = OrganisationRevision.objects.filter(source=OrganisationRevision.Source.IMPORT)
    assert sorted(notes.values_list("note", flat=True)) == ["ligne 2", "ligne 3"]
    # The map's stored point and colour follow the batch write as they follow a save.
    expected = Organisation.objects.get(pk=first.pk)
    refresh_derived_fields(expected)
    assert "Épicerie du coin" in first.map_point
    assert (first.map_point, first.map_colour) == (expected.map_point, expected.map_colour)


def test_update_organisations_refuses_a_siret_another_holds(communes):
    holder = services.create_organisation({"name": "A", "siret": "73282932000074"})
    other = services.create_organisation({"name": "B"})
    with pytest.raises(ValidationError) as error:
        services_batch.update_organisations(
            [(other.pk, {"name": "B bis"}), (other.pk, {"siret": "732 829 320 00074"})]
        )
    assert error.value.index == 1
    assert holder.name in " ".join(error.value.messages)


def test_insert_new_leaves_out_a_row_another_process_wrote():
    Person.objects.create(email="deja@example.org")
    rows = [Person(email="deja@example.org"), Person(email="nouvelle@example.org")]
    inserted = bulk.insert_new(Person, rows)
    assert all(p.pk is not None for p in inserted)
    assert {p.email for p in inserted} <= {"nouvelle@example.org"}
    assert sorted(Person.objects.values_list("email", flat=True)) == [
        "deja@example.org",
        "nouvelle@example.org",
    ]
    people = services.find_or_create_people([{"email": "deja@example.org"}, {"email": "x@y.fr"}])
    assert Person.objects.count() == 3
    assert people["deja@example.org"].pk == Person.objects.get(email="deja@example.org").pk


def test_bulk_update_writes_only_the_fields_named():
    one = Person.objects.create(email="a@example.org", first_name="Ana")
    two = Person.objects.create(email="b@example.org", first_name="Bo")
    one.first_name, two.first_name, two.last_name = "Anaïs", "Bob", "not written"
    bulk.update(Person, [one, two], ["first_name"])
    assert list(Person.objects.order_by("email").values_list("first_name", "last_name")) == [
        ("Anaïs", ""),
        ("Bob", ""),
    ]


def test_find_communes_answers_as_find_commune(communes):
    typed = [("Lille", "59000"), ("59512", ""), ("Arras (62)", ""), ("Nulle-part", ""), ("", "")]
    found = services.find_communes(typed)
    assert found == {pair: services.find_commune(*pair) for pair in typed}
    assert found[("Lille", "59000")] == communes["lille"]
    assert found[("Nulle-part", "")] is None


def test_bulk_insert_writes_values_of_subclasses_through_their_field():
    from django.utils import timezone
    from django.utils.translation import gettext_lazy

    from tisser.directory.models import Consent

    name = gettext_lazy("email")
    person = bulk.insert(Person, [Person(email="c@example.org", first_name=name)])
    bulk.insert(
        Consent,
        [
            Consent(
                person_id=person[0].pk,
                purpose=Consent.Purpose.NEWSLETTER,
                method=Consent.Method.IMPORT,
                at=timezone.now(),
            )
        ],
    )
    assert Person.objects.get(email="c@example.org").first_name == str(name)
    assert Consent.objects.get().purpose == "newsletter"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_bulk_insert_refreshes_the_statistics_of_a_table_it_grows():
    """Plans cached by the session (foreign-key checks) were made for the table's recorded
    size: an import into a nearly empty table makes PostgreSQL record the new one."""

    def recorded_pages():
        with connection.cursor() as cursor:
            cursor.execute("SELECT relpages FROM pg_class WHERE relname = 'directory_person'")
            return cursor.fetchone()[0]

    def pages_on_disk():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_size('directory_person') / 8192")
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_person")
    before = recorded_pages()
    # Earlier tests may have left free space in the table: insert until it has grown past
    # twice its recorded size, as a first import into a nearly empty directory does.
    for batch in range(20):
        bulk.insert(Person, [Person(email=f"p{batch}-{n}@example.org") for n in range(3000)])
        if pages_on_disk() > 2 * before + 8:
            break
    assert pages_on_disk() > 2 * before + 8
    assert recorded_pages() > 2 * before + 8


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's locks")
@pytest.mark.django_db(transaction=True)
def test_bulk_insert_does_not_wait_for_a_vacuum_to_refresh_statistics():
    """Another session holding the table's `ANALYZE` lock (autovacuum, say) costs the
    import its refresh, never a wait, and the rows are written."""
    import psycopg

    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=False) as other:
        other.execute("LOCK TABLE directory_person IN SHARE UPDATE EXCLUSIVE MODE")
        bulk.insert(Person, [Person(email=f"v{n}@example.org") for n in range(3000)])
        other.rollback()
    assert Person.objects.filter(email__startswith="v").count() == 3000
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"
