"""Full-text search: accent- and case-blind, word prefixes, every word, with the filters.

The same assertions run on SQLite (FTS5) and on PostgreSQL (GIN + to_tsquery), so both
give the same results.
"""

import pytest
from django.db import connection
from django.urls import reverse

from tisser.core.text import fold
from tisser.directory.filters import filter_organisations
from tisser.directory.indexing import refresh_derived_fields
from tisser.directory.map.search import install_search_index, search
from tisser.directory.models import Organisation

from .map_helpers import make_category, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    culture = make_category("culture")
    return {
        "eco": make_org("Économie Solidaire du Nord", 50.6, 3.0, is_member=True),
        "epicerie": make_org("L'Épicerie de Wazemmes", 50.62, 3.05, categories=[culture]),
        "garage": make_org(
            "Garage solidaire",
            50.3,
            2.8,
            description="<p>Réparation <strong>économique</strong> de voitures</p>",
        ),
        "cafe": make_org("CAFÉ des Possibles", 49.9, 2.3, categories=[culture], is_member=True),
        "hidden": make_org("Économie cachée", 50.6, 3.0, status=Organisation.Status.PROPOSED),
    }


def names(params):
    """Names found, in the accent-blind order of the map list."""
    return sorted(filter_organisations(params).values_list("name", flat=True), key=fold)


def test_accents_and_case_are_ignored(actors):
    assert names({"q": "economie"}) == ["Économie Solidaire du Nord"]
    assert names({"q": "ÉCONOMIE"}) == ["Économie Solidaire du Nord"]
    assert names({"q": "cafe"}) == ["CAFÉ des Possibles"]
    assert names({"q": "épicerie"}) == ["L'Épicerie de Wazemmes"]


def test_prefixes_match(actors):
    assert names({"q": "econ"}) == ["Économie Solidaire du Nord", "Garage solidaire"]
    assert names({"q": "solid"}) == ["Économie Solidaire du Nord", "Garage solidaire"]


def test_only_word_prefixes_match_not_the_middle_of_words(actors):
    assert names({"q": "conomie"}) == []
    assert names({"q": "olidaire"}) == []


def test_every_word_must_match(actors):
    assert names({"q": "solidaire nord"}) == ["Économie Solidaire du Nord"]
    assert names({"q": "solid garage"}) == ["Garage solidaire"]
    assert names({"q": "garage nord"}) == []


def test_description_text_is_searched_without_its_tags(actors):
    assert names({"q": "reparation"}) == ["Garage solidaire"]
    assert names({"q": "strong"}) == []


def test_combined_with_filters(actors):
    assert names({"q": "solidaire", "member": "1"}) == ["Économie Solidaire du Nord"]
    assert names({"q": "de", "category": "culture"}) == [
        "CAFÉ des Possibles",
        "L'Épicerie de Wazemmes",
    ]
    assert names({"q": "de", "category": "culture", "member": "1"}) == ["CAFÉ des Possibles"]


def test_unpublished_actors_are_not_found_by_the_public(actors):
    assert "Économie cachée" not in names({"q": "economie"})


def test_punctuation_and_search_operators_are_plain_text(actors):
    assert names({"q": "l'épicerie \"wazemmes"}) == ["L'Épicerie de Wazemmes"]
    assert names({"q": "NEAR OR AND"}) == []
    assert names({"q": "solidaire*"}) == ["Économie Solidaire du Nord", "Garage solidaire"]
    assert names({"q": "  ,;!  "}) == names({})


def test_the_index_follows_updates_and_deletes(actors):
    garage = actors["garage"]
    garage.name = "Atelier vélo"
    refresh_derived_fields(garage)
    garage.save()
    assert names({"q": "garage"}) == []
    assert names({"q": "atelier velo"}) == ["Atelier vélo"]
    garage.delete()
    assert names({"q": "atelier"}) == []


def test_bulk_created_actors_are_indexed(db):
    orgs = []
    for i in range(3):
        org = Organisation(name=f"Ressourcerie numéro {i}", slug=f"ressourcerie-{i}")
        refresh_derived_fields(org)
        orgs.append(org)
    Organisation.objects.bulk_create(orgs)
    assert len(names({"q": "ressourcerie numero"})) == 3


def test_installing_the_index_again_changes_nothing(actors):
    install_search_index(connection)
    install_search_index(connection)
    assert names({"q": "econ"}) == ["Économie Solidaire du Nord", "Garage solidaire"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers only")
def test_lost_triggers_are_restored_and_the_index_rebuilt(actors):
    with connection.cursor() as cursor:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER directory_organisation_fts_{suffix}")
    make_org("Tiers-lieu orphelin", 50.1, 2.9)
    install_search_index(connection)
    assert names({"q": "orphelin"}) == ["Tiers-lieu orphelin"]


def test_search_function_folds_its_input(actors):
    qs = search(Organisation.objects.all(), "  Économie ")
    assert sorted(qs.values_list("name", flat=True), key=fold) == [
        "Économie cachée",
        "Économie Solidaire du Nord",
    ]


def test_the_map_list_searches(client, actors):
    response = client.get(reverse("directory:map_list"), {"q": "econ", "format": "json"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 2
    # Accent-blind order, the same on every database.
    assert [r["name"] for r in data["results"]] == [
        "Économie Solidaire du Nord",
        "Garage solidaire",
    ]


def test_a_single_letter_is_a_whole_word_not_a_prefix(db):
    make_org("Café à vélo", 50.0, 3.0)
    make_org("Atelier vélo", 50.0, 3.0)
    assert names({"q": "a"}) == ["Café à vélo"]
    assert names({"q": "at"}) == ["Atelier vélo"]


@pytest.mark.parametrize("text, tags", [("econ", []), ("solidaire", [["member1"]]), ("zz", [])])
def test_matches_first_finds_the_same_actors(actors, text, tags):
    """The joined form (SQLite's lazy read of the index) means the same as `id IN (…)`."""
    qs = Organisation.objects.order_by("pk")
    joined = search(qs, text, tags=tags, matches_first=True)
    assert list(joined) == list(search(qs, text, tags=tags))
    assert list(joined[:1]) == list(search(qs, text, tags=tags)[:1])
