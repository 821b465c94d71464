"""The public JSON API: pagination, every filter, detail, and nothing private or unpublished."""

import json

import pytest
from django.db import connection
from django.urls import reverse

from tisser.core import api as core_api
from tisser.directory.indexing import refresh_derived_fields
from tisser.directory.models import Organisation

from . import demo_fixtures, open_data_fixtures
from .open_data_fixtures import PRIVATE_EMAIL, PRIVATE_PHONE

hdf_communes = demo_fixtures.hdf_communes
directory = open_data_fixtures.directory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/organisations/"


def slugs(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_urls_are_where_the_docs_say():
    assert reverse("api:organisations") == LIST
    assert reverse("api:organisation", args=["x"]) == "/api/v1/organisations/x/"
    assert reverse("api:categories") == "/api/v1/categories/"
    assert reverse("api:openapi-json") == "/api/openapi.json"
    assert reverse("api:openapi-view") == "/api/docs/"
    assert reverse("directory:api_index") == "/api/"


def test_list_shows_published_organisations_only(client, directory):
    response = client.get(LIST)
    data = response.json()
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert data["count"] == 4
    assert {row["slug"] for row in data["results"]} == {
        "epicerie-lille", "ressourcerie-amiens", "theatre-lens", "formule",
    }  # fmt: skip
    first = data["results"][0]
    assert first["slug"] == "epicerie-lille"
    assert first["url"] == "http://testserver/acteurs/epicerie-lille/"
    assert first["commune"] == {"code": "59350", "name": "Lille", "departement": "59"}
    assert first["categories"] == ["alimentation"]
    assert first["is_member"] is True and first["legal_form"] == "association"


def test_pagination_with_links_and_limits(client, directory):
    for n in range(7):
        extra = Organisation(slug=f"extra-{n}", name=f"Extra {n}", status="published")
        refresh_derived_fields(extra).save()
    page1 = client.get(LIST, {"page_size": 4}).json()
    assert (page1["count"], page1["pages"], page1["page"], page1["page_size"]) == (11, 3, 1, 4)
    assert page1["previous"] is None
    assert page1["next"] == "http://testserver/api/v1/organisations/?page_size=4&page=2"
    page3 = client.get(page1["next"].replace("page=2", "page=3")).json()
    assert len(page3["results"]) == 3 and page3["next"] is None
    assert page3["previous"].endswith("page=2")
    seen = [
        r["slug"]
        for p in (1, 2, 3)
        for r in client.get(LIST, {"page_size": 4, "page": p}).json()["results"]
    ]
    assert len(seen) == len(set(seen)) == 11

    assert client.get(LIST).json()["page_size"] == 50
    assert client.get(LIST, {"page_size": 100}).json()["page_size"] == 100
    for bad in ({"page_size": "0"}, {"page_size": "101"}, {"page": "abc"}, {"page": "-1"}):
        response = client.get(LIST, bad)
        error = response.json()["error"]
        assert response.status_code == 400 and error["code"] == "bad_request"
        assert list(error["fields"]) == list(bad)
    past = client.get(LIST, {"page": 9, "page_size": 4})
    assert past.status_code == 404 and "3" in past.json()["error"]["message"]


def test_each_filter(client, directory):
    assert slugs(client, q="economie") == ["epicerie-lille"]  # « Économie » in the description
    assert slugs(client, q="AMIENOIS") == ["ressourcerie-amiens"]
    assert set(slugs(client, category="alimentation")) == {"epicerie-lille", "ressourcerie-amiens"}
    assert set(slugs(client, category="culture,reemploi")) == {
        "theatre-lens", "formule", "ressourcerie-amiens",
    }  # fmt: skip
    assert slugs(client, territory="dep-62") == ["theatre-lens"]
    assert slugs(client, territory="reg-32") == slugs(client)
    assert slugs(client, territory="80021") == ["ressourcerie-amiens"]
    assert slugs(client, legal_form="scop") == ["theatre-lens"]
    assert set(slugs(client, member="1")) == {"epicerie-lille", "theatre-lens"}
    assert set(slugs(client, member="0")) == {"ressourcerie-amiens", "formule"}
    assert slugs(client, category="alimentation", member="1", territory="dep-59") == [
        "epicerie-lille"
    ]
    # `status` is not a public filter: asking for unpublished actors gives published ones.
    assert "proposee" not in slugs(client, status="proposed")


def test_bbox(client, directory):
    # Around Lille and Lens: west,south,east,north.
    assert set(slugs(client, bbox="2.7,50.3,3.2,50.7")) == {"epicerie-lille", "theatre-lens"}
    assert slugs(client, bbox="2.2,49.8,2.4,50.0") == ["ressourcerie-amiens"]
    for bad in ("1,2,3", "a,b,c,d", "3,50,2,51"):
        response = client.get(LIST, {"bbox": bad})
        assert response.status_code == 400
        assert "ouest,sud,est,nord" in response.json()["error"]["message"]  # French by default
        english = client.get(LIST, {"bbox": bad}, HTTP_ACCEPT_LANGUAGE="en")
        assert "west,south,east,north" in english.json()["error"]["message"]


def test_detail(client, directory):
    response = client.get("/api/v1/organisations/epicerie-lille/")
    data = response.json()
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    assert data["name"] == "Épicerie solidaire de Lille"
    assert data["siret"] == "73282932000074"
    assert data["email"] == "contact@epicerie.example" and data["phone"] == "03 20 00 00 00"
    assert data["categories"] == [
        {"slug": "alimentation", "name": "Alimentation", "color": "#d9661a"}
    ]
    assert data["api_url"] == "http://testserver/api/v1/organisations/epicerie-lille/"


@pytest.mark.parametrize("slug", ["proposee", "archivee", "nobody"])
def test_unpublished_or_unknown_is_404(client, directory, slug):
    response = client.get(f"/api/v1/organisations/{slug}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_no_private_data_anywhere(client, directory):
    bodies = [
        client.get(LIST).content,
        client.get("/api/v1/organisations/epicerie-lille/").content,
        client.get("/api/v1/categories/").content,
    ]
    for body in bodies:
        text = body.decode()
        assert PRIVATE_EMAIL not in text and PRIVATE_PHONE not in text
        assert "Rita" not in text and "Secret" not in text
        assert "Structure proposée" not in text and "Structure archivée" not in text


def test_categories_count_published_actors(client, directory):
    data = client.get("/api/v1/categories/").json()
    counts = {row["slug"]: row["organisations"] for row in data}
    assert counts == {"alimentation": 2, "reemploi": 1, "culture": 2}
    assert data[0].keys() == {"slug", "name", "color", "organisations"}


def test_only_reading_is_allowed(client, directory):
    for response in (
        client.post(LIST, {}),
        client.delete("/api/v1/organisations/epicerie-lille/"),
    ):
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"
        assert "GET" in response["Allow"]


def test_human_page_explains_and_links(client, directory):
    response = client.get("/api/")
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("/api/openapi.json", "/api/docs/", "/carte/export.geojson", "/carte/export.csv"):
        assert text in body
    assert "<script>" not in body
    json.loads(client.get("/api/openapi.json").content)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and "/static/ninja/swagger-ui-bundle.js" in docs.content.decode()


def test_a_large_total_is_the_planner_estimate_and_the_links_stay_exact(
    client, directory, settings, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("the total is estimated on PostgreSQL only")
    settings.TISSER_API_EXACT_COUNT_LIMIT = 1
    assert core_api.planned_rows(Organisation.objects.all()) >= 1
    # A filter nothing can match is no SQL at all: an exact 0, not a server error.
    nothing = client.get(LIST, {"category": "nothing-has-this"}).json()
    assert (nothing["count"], nothing["count_is_estimate"], nothing["results"]) == (0, False, [])
    monkeypatch.setattr(core_api, "planned_rows", lambda qs: 40)
    page1 = client.get(LIST, {"page_size": 3}).json()
    assert page1["count_is_estimate"] is True
    assert (page1["count"], page1["pages"]) == (40, 14)
    assert page1["next"].endswith("page=2") and len(page1["results"]) == 3
    page2 = client.get(page1["next"]).json()
    # The last page knows the total: no estimate there, and no link to an empty page.
    assert len(page2["results"]) == 1 and page2["next"] is None
    assert (page2["count"], page2["count_is_estimate"], page2["pages"]) == (4, False, 2)
    assert page2["previous"].endswith("page=1")
    past = client.get(LIST, {"page_size": 3, "page": 3})
    assert past.status_code == 404 and past.json()["error"]["code"] == "not_found"

    settings.TISSER_API_EXACT_COUNT_LIMIT = 100
    exact = client.get(LIST, {"page_size": 3}).json()
    assert (exact["count"], exact["count_is_estimate"], exact["pages"]) == (4, False, 2)
