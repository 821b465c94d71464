"""The API list's tag table (PostgreSQL): kept by the database, and the same answers as
the general query for every filter it takes."""

import pytest
from django.db import connection
from django.http import QueryDict

from tisser.directory.indexing import refresh_derived_fields
from tisser.directory.models import Category, Organisation, OrganisationTag
from tisser.directory.open_data.api_queries import tagged_ids
from tisser.directory.open_data.listing import public_queryset

from . import demo_fixtures, open_data_fixtures

hdf_communes = demo_fixtures.hdf_communes
directory = open_data_fixtures.directory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/organisations/"

TAG_FILTERS = [
    "category=alimentation&territory=dep-59",
    "category=alimentation&territory=reg-32",
    "category=culture&member=1",
    "category=culture&member=0",
    "legal_form=association&territory=dep-60",
    "legal_form=association&territory=dep-59,dep-60",
    "category=alimentation,reemploi&territory=dep-80",
    "category=culture",
    "territory=dep-62&legal_form=scop&member=oui",
    "category=no-such-category&territory=dep-59",
    "category=alimentation&territory=dep-01",
]
OTHER_FILTERS = [
    "",
    "q=epicerie&category=alimentation",
    "category=alimentation,culture",
    "bbox=2,49,4,51",
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the tag table is filled by a PostgreSQL trigger")


def tags_of(org) -> set[str]:
    return set(OrganisationTag.objects.filter(organisation=org).values_list("tag", flat=True))


@pytest.mark.parametrize("query", TAG_FILTERS)
def test_the_tag_table_gives_what_the_general_query_gives(client, directory, query):
    ids = tagged_ids(QueryDict(query))
    assert ids is not None
    expected = list(public_queryset(QueryDict(query)).values_list("id", flat=True))
    assert list(ids) == expected
    slugs = [row["slug"] for row in client.get(f"{LIST}?{query}").json()["results"]]
    assert slugs == list(
        Organisation.objects.filter(id__in=expected).order_by("id").values_list("slug", flat=True)
    )


@pytest.mark.parametrize("query", OTHER_FILTERS)
def test_other_filters_take_the_general_query(directory, query):
    assert tagged_ids(QueryDict(query)) is None


def test_the_trigger_keeps_the_tags_of_published_organisations_only(directory):
    epicerie = directory["epicerie"]
    assert tags_of(epicerie) == set(epicerie.filter_tags.split())
    assert "member1" in tags_of(epicerie) and len(tags_of(epicerie)) >= 4
    assert tags_of(directory["proposed"]) == set() == tags_of(directory["archived"])

    epicerie.categories.add(Category.objects.get(slug="culture"))  # the m2m signal
    epicerie.refresh_from_db()
    assert tags_of(epicerie) == set(epicerie.filter_tags.split())
    assert Category.objects.get(slug="culture").pk in {
        int(t[1:]) for t in tags_of(epicerie) if t.startswith("c")
    }

    Organisation.objects.filter(pk=epicerie.pk).update(status="archived")
    assert tags_of(epicerie) == set()
    Organisation.objects.filter(pk=epicerie.pk).update(status="published")
    assert tags_of(epicerie) == set(epicerie.filter_tags.split())

    fresh = Organisation(slug="nouvelle", name="Nouvelle", legal_form="scop")
    refresh_derived_fields(fresh).save()
    assert tags_of(fresh) == set(fresh.filter_tags.split()) == {"lscop", "member0"}

    theatre_id = directory["theatre"].pk
    directory["theatre"].delete()
    assert not OrganisationTag.objects.filter(organisation_id=theatre_id).exists()


def test_a_merge_leaves_the_kept_organisation_its_own_tags(directory, make_user):
    from tisser.directory.contacts import services

    keep, duplicate = directory["epicerie"], directory["ressourcerie"]
    services.merge_organisations(keep, duplicate, author=make_user("e@example.org"))
    keep.refresh_from_db()
    assert tags_of(keep) == set(keep.filter_tags.split())
    assert not OrganisationTag.objects.filter(organisation_id=duplicate.pk).exists()
