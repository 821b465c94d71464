"""Input no view can use is refused in one place (RequestInputMiddleware, core.params):
a 400 that says what was wrong in the user's language, JSON under /api/, an HTML page
elsewhere; never a 500, and nothing reaches a view or the database."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tisser.core.middleware import MAX_QUERY_VALUE_LENGTH

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tisser.core.tests.request_input_urls")]


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_a_nul_byte_in_a_parameter_is_a_clear_400_page_in_french(client):
    response = client.get("/t/echo/?q=a%00b")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le paramètre «\u00a0q\u00a0» contient un caractère NUL" in html
    assert "Rien n’a été modifié" in html and "<html" in html


def test_the_same_page_in_english(client):
    html = english(client).get("/t/echo/?q=a%00b").content.decode()
    assert "The parameter “q” contains a NUL character, which is not allowed." in html


@pytest.mark.parametrize(
    "url",
    ["/t/echo/?a%00=1", "/t/echo/x%00y/", "/t/echo/?q=ok&q=a%00b", "/t/echo/?q=%00"],
)
def test_nul_bytes_in_names_paths_and_repeated_values_are_refused(client, url):
    assert client.get(url).status_code == 400


def test_searching_for_the_word_inf_or_nan_is_a_search_like_any_other(client):
    for word in ("inf", "nan", "1e309", "-1", "9" * 40):
        response = client.get("/t/echo/", {"q": word})
        assert response.status_code == 200 and response.content.decode().endswith(f":{word}:")


def test_an_overlong_query_value_is_refused_the_longest_allowed_is_not(client):
    assert client.get("/t/echo/", {"q": "x" * MAX_QUERY_VALUE_LENGTH}).status_code == 200
    response = english(client).get("/t/echo/", {"q": "x" * (MAX_QUERY_VALUE_LENGTH + 1)})
    assert response.status_code == 400
    assert "“q” is too long (at most 2,000 characters)" in response.content.decode()


def test_under_api_the_error_is_the_projects_json_body(client):
    response = client.get("/api/t/echo/?q=a%00b")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "bad_request",
            "message": "Le paramètre «\u00a0q\u00a0» contient un caractère NUL, "
            "qui n’est pas autorisé.",
        }
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("bbox=2.9,50.5,3.2,50.7&zoom=inf", "“zoom” must be a finite number"),
        ("bbox=2.9,50.5,3.2,50.7&zoom=1e309", "“zoom” must be a finite number"),
        ("bbox=2.9,50.5,3.2,50.7&zoom=nan", "“zoom” must be a finite number"),
        ("bbox=2.9,50.5,3.2,50.7&zoom=huit", "“zoom” must be a number"),
        ("bbox=inf,50.5,3.2,50.7", "“bbox” must be four numbers"),
        ("bbox=2.9,50.5,3.2", "“bbox” must be four numbers"),
        ("bbox=2.9,50.5,3.2,50.7,1", "“bbox” must be four numbers"),
        ("bbox=a,b,c,d", "“bbox” must be four numbers"),
        ("bbox=5,41,-5,51", "west ≤ east and south ≤ north"),
        ("zoom=8", "“bbox” must be four numbers"),
    ],
)
def test_bad_numbers_and_bounding_boxes_are_json_400s_where_json_is_read(client, query, message):
    for url in ("/api/t/viewport/", "/t/viewport.json"):
        response = english(client).get(f"{url}?{query}")
        assert response.status_code == 400, (url, response.content)
        assert message in response.json()["error"]["message"]
    page = client.get(f"/t/viewport/?{query}")  # the same refusal, as a page
    assert page.status_code == 400 and "<html" in page.content.decode()


def test_good_numbers_pass_and_are_brought_into_range(client):
    data = client.get("/t/viewport/?bbox=-500,-100,500,100&zoom=99.7&page=inf").json()
    assert data == {"bbox": [-180.0, -90.0, 180.0, 90.0], "zoom": 22, "page": 1}


def test_a_nul_byte_in_a_form_field_is_refused(client):
    assert client.post("/t/echo/", {"name": "Coop\x00"}).status_code == 400
    assert client.post("/t/echo/", {"name": "Coop"}).content.decode().endswith(":Coop")
    upload = SimpleUploadedFile("logo.png", b"x", content_type="image/png")
    assert client.post("/t/echo/", {"name": "a\x00", "logo": upload}).status_code == 400


@pytest.mark.parametrize(
    "body",
    ['{"name": "Coop\\u0000"}', '{"a\\u0000": 1}', '{"amount": NaN}', '[{"x": [Infinity]}]'],
)
def test_json_bodies_with_nul_or_non_finite_numbers_are_refused(client, body):
    response = client.post("/api/t/echo/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_a_body_that_is_not_json_is_left_to_the_view(client):
    response = client.post("/api/t/echo/", "{not json", content_type="application/json")
    assert response.status_code == 200


def test_a_view_that_judges_its_own_body_receives_it_whole(client):
    body = json.dumps({"name": "Coop\x00"}).encode() + b"\x00"
    response = client.post("/t/raw/", body, content_type="application/json")
    assert response.status_code == 200 and response.content == str(len(body)).encode()
    assert client.post("/t/raw/?q=%00", body, content_type="application/json").status_code == 400


def test_a_session_cookie_with_a_nul_byte_is_a_fresh_session_not_an_error(client):
    """PostgreSQL refuses NUL in the session lookup; the cookie is dropped instead."""
    response = client.get("/t/echo/", HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"')
    assert response.status_code == 200 and response.content.startswith(b"anonymous:")


def test_too_many_fields_is_a_400_in_the_same_shape(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"f{i}=1" for i in range(20))
    response = client.get(f"/api/t/echo/?{query}")
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"
    assert client.get(f"/t/echo/?{query}").status_code == 400


def test_a_download_whose_first_query_fails_is_an_error_not_a_cut_200(client):
    assert b"auth;group\n" in b"".join(client.get("/t/download.csv").streaming_content)
    client.raise_request_exception = False
    response = client.get("/t/download.csv?fail=1")
    assert response.status_code == 500 and not response.streaming
