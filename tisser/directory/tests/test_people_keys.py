"""The keys people are matched on beyond their email: kept by `Person.save`, computed by
`person_keys` for bulk writers."""

import pytest

from tisser.directory.contacts import services
from tisser.directory.models import Person
from tisser.directory.people_keys import name_key, person_keys, phone_key


@pytest.mark.parametrize(
    "first, last",
    [("Claire", "Benali"), ("claire ", "BÉNALI"), ("Benali", "Claire"), ("  CLAIRE", "bénali ")],
)
def test_names_fold_accents_case_spaces_and_order(first, last):
    assert name_key(first, last) == "benali claire"


def test_an_empty_name_has_no_key():
    assert name_key("", " ") == ""


@pytest.mark.parametrize(
    "raw",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033612345678",
        "612345678",
    ],
)
def test_french_numbers_have_one_form(raw):
    assert phone_key(raw) == "0612345678"


def test_foreign_numbers_keep_their_country_and_short_ones_give_no_key():
    assert phone_key("+32 470 12 34 56") == "+32470123456"
    assert phone_key("12 34") == ""
    assert phone_key("") == ""


@pytest.mark.django_db
def test_save_and_update_keep_the_keys():
    person = services.create_person({"first_name": "Hugo", "last_name": "Lemaïre"})
    assert (person.name_key, person.phone_key) == ("hugo lemaire", "")
    services.update_person(person, {"phone": "+33 7 00 00 00 01"})
    stored = Person.objects.get(pk=person.pk)
    assert stored.phone_key == "0700000001"
    stored.last_name = "Martin"
    stored.save(update_fields=["last_name"])
    assert Person.objects.get(pk=person.pk).name_key == "hugo martin"


def test_person_keys_for_bulk_writers():
    assert person_keys(first_name="Inès", last_name="Roy", phone="06 00 00 00 01") == {
        "name_key": "ines roy",
        "phone_key": "0600000001",
    }


@pytest.mark.django_db
def test_people_written_in_bulk_by_an_import_carry_their_keys():
    """An import's batch skips `Person.save`: new and completed people still get keys."""
    Person.objects.create(email="known@example.org")
    found = services.find_or_create_people(
        [
            {
                "email": "new@example.org",
                "first_name": "Claire",
                "last_name": "BÉNALI",
                "phone": "+33 6 12 34 56 78",
            },
            {"email": "known@example.org", "first_name": "Malik", "last_name": "Ait"},
        ]
    )
    new = Person.objects.get(pk=found["new@example.org"].pk)
    assert (new.name_key, new.phone_key) == ("benali claire", "0612345678")
    known = Person.objects.get(pk=found["known@example.org"].pk)
    assert known.name_key == name_key("Malik", "Ait") != ""


@pytest.mark.django_db
def test_the_one_statement_upsert_of_a_form_keeps_the_keys():
    """A registration's find-or-create skips `Person.save` too."""
    person, created = services.find_or_create_person(email="c@example.org", phone="06 12 34 56 78")
    assert created
    assert Person.objects.values_list("name_key", "phone_key").get(pk=person.pk) == (
        "",
        "0612345678",
    )
    again, created = services.find_or_create_person(
        email="c@example.org", first_name="Claire", last_name="Benali"
    )
    assert not created and again.pk == person.pk
    stored = Person.objects.get(pk=person.pk)
    assert (stored.name_key, stored.phone_key) == ("benali claire", "0612345678")
