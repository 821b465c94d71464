"""The one helper behind every staff list: sorting, pages, totals and bulk selections
read from the address, with anything malformed falling back to the defaults."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import QueryDict
from django.test import RequestFactory

from tisser.core.listing import (
    MAX_SELECTED,
    Listing,
    Sort,
    is_filtered,
    keep_selected,
    selected_ids,
)

pytestmark = pytest.mark.django_db

SORTS = (
    Sort("model", "Model", ("model",)),
    Sort("app", "App", ("app_label",), then=("model",)),
    Sort("id", "Id", ("id",), descending_first=True),
)


def listing(query="", **kwargs):
    request = RequestFactory().get("/x/?" + query)
    options = {"sorts": SORTS, "default_sort": "model", "per_page": 25} | kwargs
    return Listing(request, ContentType.objects.all(), **options)


def test_default_order_total_and_first_page():
    result = listing()
    every = list(ContentType.objects.order_by("model", "pk"))
    assert result.total == len(every) > 25
    assert list(result.rows) == every[:25]
    assert (result.first_row, result.last_row) == (1, 25)
    assert result.aria_sort("model") == "ascending" and result.aria_sort("app") == ""


def test_sorting_both_ways_and_ties_broken_the_same_way():
    descending = listing("sort=-model")
    assert [c.model for c in descending.rows] == sorted(
        (c.model for c in ContentType.objects.all()), reverse=True
    )[:25]
    by_app = list(listing("sort=-app", per_page=200).rows)
    apps = [c.app_label for c in by_app]
    assert apps == sorted(apps, reverse=True)
    first_app = [c.model for c in by_app if c.app_label == apps[0]]
    assert first_app == sorted(first_app)  # `then` is not reversed


def test_sort_links_toggle_and_keep_the_filters():
    result = listing("q=coop&sort=model&page=2")
    assert QueryDict(result.sort_query("model")) == QueryDict("q=coop&sort=-model")
    assert QueryDict(result.sort_query("app")) == QueryDict("q=coop&sort=app")
    assert QueryDict(result.sort_query("id")) == QueryDict("q=coop&sort=-id")  # newest first
    assert QueryDict(result.query) == QueryDict("q=coop&sort=model")
    assert QueryDict(result.next_query) == QueryDict("q=coop&sort=model&page=3")
    assert QueryDict(result.previous_query) == QueryDict("q=coop&sort=model")


@pytest.mark.parametrize(
    "query",
    [
        "sort=nope",
        "sort=-",
        "sort=%00",
        "page=abc",
        "page=-3",
        "page=99999",
        "per_page=7",
        "per_page=1e309",
        "page=inf",
        "sort=" + "x" * 5000,
    ],
)
def test_malformed_parameters_fall_back_to_the_defaults(query):
    result = listing(query)
    assert result.sort_key in ("model", "app", "id")
    assert result.per_page == 25
    assert result.page.number >= 1
    assert len(result.rows) > 0


def test_rows_per_page_choices():
    assert listing("per_page=100").per_page == 100
    links = listing().per_page_links
    assert [(n, current) for n, _q, current in links] == [
        (25, True),
        (50, False),
        (100, False),
        (200, False),
    ]


def test_selected_ids_take_plain_ids_only():
    data = QueryDict(
        "id=3&id=3&id=abc&id=-1&id=7%00&id=1e3&id=99999999999999999999999&id= 12 &id=5"
    )
    assert selected_ids(data) == [3, 12, 5]
    many = QueryDict(mutable=True)
    many.setlist("id", [str(i) for i in range(MAX_SELECTED + 50)])
    assert len(selected_ids(many)) == MAX_SELECTED


def test_keep_selected_or_the_whole_list():
    qs = ContentType.objects.all()
    some = list(qs.values_list("pk", flat=True)[:2])
    assert set(keep_selected(qs, QueryDict(f"id={some[0]}&id={some[1]}"))) == set(
        qs.filter(pk__in=some)
    )
    assert keep_selected(qs, QueryDict("")).count() == qs.count()


def test_is_filtered_ignores_sort_and_pages():
    assert not is_filtered(QueryDict("sort=-x&page=2&per_page=50&q="))
    assert is_filtered(QueryDict("q=coop"))
