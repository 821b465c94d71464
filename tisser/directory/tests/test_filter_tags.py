"""`Organisation.filter_tags`: the public filters as words of the full-text index.

A search narrowed by a filter is answered inside the index, so the words must follow
every door into the directory (services, imports, merges, category links from either
side, the demo loader's bulk path), and give the same list as the ordinary filters.
"""

import pytest
from django.http import QueryDict

from tisser.directory.contacts import services
from tisser.directory.demo import build_demo_network
from tisser.directory.demo import loader as demo_loader
from tisser.directory.filters import filter_organisations
from tisser.directory.imports import confirm_import, start_import
from tisser.directory.indexing import filter_tags_for
from tisser.directory.map.queries import public_organisations
from tisser.directory.map.queries_list import list_page
from tisser.directory.models import Category, Organisation

from . import demo_fixtures
from .test_import import GOOD, csv_bytes

hdf_communes = demo_fixtures.hdf_communes


def tags(org) -> set[str]:
    return set(Organisation.objects.get(pk=org.pk).filter_tags.split())


def listed(query: str) -> list[str]:
    return [org.name for org in list_page(QueryDict(query))["organisations"]]


def test_services_keep_the_tags(communes, categories):
    food, third = categories["alimentation"], categories["tiers-lieux"]
    org = services.create_organisation(
        {
            "name": "Épicerie du coin",
            "commune": "59350",
            "categories": ["alimentation"],
            "legal_form": "association",
        }
    )
    assert tags(org) == {f"c{food.pk}", "d59", "r32", "lassociation", "member0"}
    assert listed("q=epicerie&category=alimentation") == ["Épicerie du coin"]
    assert listed("q=epicerie&category=tiers-lieux") == []

    services.update_organisation(org, {"categories": ["tiers-lieux"], "legal_form": "scop"})
    services.set_membership_status(org, True)
    assert tags(org) == {f"c{third.pk}", "d59", "r32", "lscop", "member1"}
    assert listed("q=epicerie&category=alimentation") == []
    assert listed("q=epicerie&category=tiers-lieux&legal_form=scop&member=1") == [
        "Épicerie du coin"
    ]
    assert listed("q=epicerie&member=0") == []
    assert listed("q=epicerie&territory=dep-59") == ["Épicerie du coin"]
    assert listed("q=epicerie&territory=dep-62") == []
    assert listed("q=epicerie&territory=reg-32") == ["Épicerie du coin"]


def test_links_changed_from_the_category_side_too(communes, categories):
    food = categories["alimentation"]
    org = services.create_organisation({"name": "Jardin partagé", "commune": "59350"})
    assert f"c{food.pk}" not in tags(org)
    food.organisations.add(org)
    assert f"c{food.pk}" in tags(org)
    food.organisations.clear()
    assert f"c{food.pk}" not in tags(org)
    org.categories.add(food)
    assert f"c{food.pk}" in tags(org)
    org.categories.clear()
    assert f"c{food.pk}" not in tags(org)


def test_a_merge_gives_the_kept_one_the_duplicate_categories(communes, categories, make_user):
    keep = services.create_organisation(
        {"name": "Coop", "commune": "59350", "categories": ["alimentation"]}
    )
    dup = services.create_organisation({"name": "Coop bis", "categories": ["tiers-lieux"]})
    merged = services.merge_organisations(keep, dup, author=make_user("e@example.org"))
    expected = {f"c{categories['alimentation'].pk}", f"c{categories['tiers-lieux'].pk}"}
    assert expected <= tags(merged)
    assert listed("q=coop&category=tiers-lieux") == ["Coop"]


def test_an_import_fills_the_tags(
    communes, categories, make_user, django_capture_on_commit_callbacks
):
    job = start_import("orgs.csv", csv_bytes(GOOD), author=make_user("e@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        confirm_import(job)
    roubaix = Organisation.objects.get(name="Roubaix Coop")
    assert {f"c{categories['tiers-lieux'].pk}", f"c{categories['alimentation'].pk}"} <= tags(
        roubaix
    )
    assert "member1" in tags(Organisation.objects.get(name="La Fabrique"))
    assert listed("q=roubaix&category=tiers-lieux&member=0") == ["Roubaix Coop"]


@pytest.mark.parametrize("big", [False, True])  # row by row / indexes rebuilt at the end
def test_the_demo_loader_fills_the_tags(hdf_communes, monkeypatch, big):
    if big:
        monkeypatch.setattr(demo_loader, "BIG_LOAD", 50)
    build_demo_network(size=120, seed=1)
    orgs = Organisation.objects.select_related("commune")
    assert orgs.count() >= 120
    for org in orgs:
        assert org.filter_tags == filter_tags_for(org), org.name
    # The index holds them: a search narrowed by each category finds what the join finds.
    seen = 0
    for category in Category.objects.all():
        params = QueryDict(f"q=co&category={category.slug}")
        expected = set(filter_organisations(params).values_list("pk", flat=True))
        assert set(public_organisations(params).values_list("pk", flat=True)) == expected
        seen += len(expected)
    assert seen > 10


FILTERS = [
    "category=alimentation",
    "category=alimentation,tiers-lieux",
    "category=nope",
    "territory=dep-59",
    "territory=dep-59,dep-62",
    "territory=reg-32",
    "territory=59350",
    "territory=dep-62,59350",
    "legal_form=association",
    "legal_form=association&legal_form=scop",
    "member=1",
    "member=non",
    "member=maybe",
    "category=alimentation&territory=dep-59&member=1&legal_form=association",
]


@pytest.mark.parametrize("filters", FILTERS)
def test_search_with_filters_matches_the_ordinary_filters(hdf_communes, filters):
    build_demo_network(size=300, seed=4)
    seen = 0
    for word in ("a", "co", "soli", "epicerie lille"):
        params = QueryDict(f"q={word}&{filters}")
        expected = set(filter_organisations(params).values_list("pk", flat=True))
        found = set(public_organisations(params).values_list("pk", flat=True))
        assert found == expected, (word, filters)
        seen += len(expected)
    assert seen > 0 or filters == "category=nope"
