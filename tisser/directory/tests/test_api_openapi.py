"""The OpenAPI document is valid 3.1 and describes every endpoint and parameter."""

import pytest
from django.urls import reverse
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from tisser.directory import urls_api, urls_open_data
from tisser.directory.map_queries import PUBLIC_FILTER_KEYS

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any error


def test_the_validator_does_catch_errors(document):
    broken = {**document, "paths": {"/x": {"get": {"responses": {"200": {}}}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_every_data_endpoint_is_described(document):
    data_routes = [p for p in urls_api.urlpatterns if p.name not in ("api_index", "api_openapi")]
    expected = {
        "/" + str(p.pattern).replace("<slug:slug>", "{slug}") for p in urls_open_data.urlpatterns
    } | {
        reverse("directory:api_index") + str(p.pattern).replace("<slug:slug>", "{slug}")
        for p in data_routes
    }
    assert expected == {
        "/api/v1/organisations/",
        "/api/v1/organisations/{slug}/",
        "/api/v1/categories/",
        "/carte/export.geojson",
        "/carte/export.csv",
    }
    assert set(document["paths"]) == expected
    for path in expected:
        assert "get" in document["paths"][path]


def test_the_filters_of_the_map_are_all_parameters(document):
    parameters = document["components"]["parameters"]
    assert set(PUBLIC_FILTER_KEYS) | {"bbox", "page", "page_size"} == set(parameters)
    listed = {
        ref["$ref"].rsplit("/", 1)[1]
        for ref in document["paths"]["/api/v1/organisations/"]["get"]["parameters"]
    }
    assert listed == set(parameters)
    geojson = document["paths"]["/carte/export.geojson"]["get"]["parameters"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in geojson} == set(PUBLIC_FILTER_KEYS) | {"bbox"}
    assert set(parameters["legal_form"]["schema"]["items"]["enum"]) >= {"association", "scop"}


def test_schemas_hold_no_private_field(document):
    text = str(document["components"]["schemas"]).lower()
    for private in ("first_name", "last_name", "people", "affiliation", "person"):
        assert private not in text.replace("people (names", "")
