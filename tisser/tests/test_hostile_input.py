"""The inputs that used to answer 500, each named: now a 400 that says why, before any
query runs (so also on PostgreSQL, which refuses NUL bytes in text), JSON where a program
reads JSON; a download is refused before its first byte, never cut after a 200."""

import pytest

pytestmark = pytest.mark.django_db

FILTERED_PAGES = (
    "/carte/",
    "/carte/donnees/?bbox=2.9,50.5,3.2,50.7&zoom=10",
    "/carte/liste/?bbox=2.9,50.5,3.2,50.7",
    "/ressources/",
    "/actualites/",
    "/sourcing/",
    "/territoires/communes.geojson?departement=59",
    "/api/v1/organisations/",
)
FILTERS = (
    "category",
    "territory",
    "legal_form",
    "q",
    "categorie",
    "rubrique",
    "naf",
    "departement",
)
JSON = ("/carte/donnees/", "/territoires/", "/api/", "/carte/export")


def with_param(url: str, name: str, value: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{name}={value}"


def is_json(url: str) -> bool:
    return url.startswith(JSON)


@pytest.mark.parametrize("url", FILTERED_PAGES)
@pytest.mark.parametrize("name", FILTERS)
def test_a_nul_byte_in_any_filter_is_a_400(client, url, name):
    response = client.get(with_param(url, name, "%00"))
    assert response.status_code == 400
    if is_json(url):
        error = response.json()["error"]
        assert (error["status"], error["code"]) == (400, "bad_request")
        assert name in error["message"] and "NUL" in error["message"]
    else:
        assert "NUL" in response.content.decode()


@pytest.mark.parametrize("url", ["/carte/export.csv", "/carte/export.geojson"])
@pytest.mark.parametrize("query", ["territory=%00", "q=a%00b", "bbox=inf,1,2,3", "bbox=1,2,3"])
def test_a_download_is_refused_before_its_first_byte(client, url, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400 and not getattr(response, "streaming", False)
    assert response.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("zoom", ["inf", "-inf", "nan", "1e309"])
def test_a_zoom_that_is_not_a_finite_number_is_a_json_400(client, zoom):
    response = client.get(f"/carte/donnees/?bbox=2.9,50.5,3.2,50.7&zoom={zoom}")
    assert response.status_code == 400
    assert "zoom" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "bbox", ["inf,50.5,3.2,50.7", "2.9,50.5,3.2", "a,b,c,d", "5,41,-5,51", "1e309,0,0,0", ""]
)
def test_a_malformed_bounding_box_is_a_json_400(client, bbox):
    response = client.get(f"/carte/donnees/?bbox={bbox}&zoom=8")
    assert response.status_code == 400 and "bbox" in response.json()["error"]["message"]


def test_the_same_bad_bounding_box_on_the_map_page_is_a_page_that_says_so(client):
    response = client.get("/carte/?bbox=inf,50.5,3.2,50.7")
    assert response.status_code == 400
    assert "bbox" in response.content.decode() and "<html" in response.content.decode()


def test_searching_for_the_word_inf_is_still_a_search(client):
    assert client.get("/carte/?q=inf").status_code == 200
    assert client.get("/ressources/?q=nan").status_code == 200
    assert client.get("/carte/donnees/?bbox=2.9,50.5,3.2,50.7&zoom=10&q=inf").status_code == 200
