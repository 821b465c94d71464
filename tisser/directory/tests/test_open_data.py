"""Open-data exports: GeoJSON and CSV of the filtered published directory, streamed."""

import csv
import io
import json

import pytest
from django.urls import reverse

from tisser.directory.open_data import exports as exports_public

from . import demo_fixtures, open_data_fixtures
from .open_data_fixtures import PRIVATE_EMAIL, PRIVATE_PHONE

hdf_communes = demo_fixtures.hdf_communes
directory = open_data_fixtures.directory

pytestmark = pytest.mark.django_db
GEOJSON = "/carte/export.geojson"
CSV = "/carte/export.csv"


def body(response) -> str:
    assert response.streaming, "exports must be streamed"
    return b"".join(response.streaming_content).decode("utf-8")


def geojson(client, **params) -> dict:
    response = client.get(GEOJSON, params)
    assert response.status_code == 200
    return json.loads(body(response))


def csv_rows(client, **params) -> list[dict]:
    response = client.get(CSV, params)
    assert response.status_code == 200
    text = body(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_url_names():
    assert reverse("directory:export_geojson") == GEOJSON
    assert reverse("directory:export_csv") == CSV


def test_geojson_is_a_feature_collection_in_lon_lat_order(client, directory):
    response = client.get(GEOJSON)
    assert response["Content-Type"] == "application/geo+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(body(response))
    assert data["type"] == "FeatureCollection"
    features = {f["properties"]["slug"]: f for f in data["features"]}
    assert set(features) == {"epicerie-lille", "ressourcerie-amiens", "theatre-lens", "formule"}
    lille = features["epicerie-lille"]
    assert lille["type"] == "Feature"
    assert lille["geometry"] == {"type": "Point", "coordinates": [3.05, 50.63]}  # lon, lat
    assert lille["properties"] == {
        "name": "Épicerie solidaire de Lille",
        "slug": "epicerie-lille",
        "url": "http://testserver/acteurs/epicerie-lille/",
        "legal_form": "association",
        "categories": ["alimentation"],
        "commune": "Lille",
        "insee_code": "59350",
        "postcode": None,
        "address": None,
        "siret": "73282932000074",
        "member": True,
        "website": "https://epicerie.example",
        "email": "contact@epicerie.example",
        "phone": "03 20 00 00 00",
    }
    assert sorted(features["ressourcerie-amiens"]["properties"]["categories"]) == [
        "alimentation", "reemploi",
    ]  # fmt: skip


def test_geojson_applies_the_filters(client, directory):
    def slugs(**params):
        return {f["properties"]["slug"] for f in geojson(client, **params)["features"]}

    assert slugs(category="alimentation") == {"epicerie-lille", "ressourcerie-amiens"}
    assert slugs(territory="dep-62") == {"theatre-lens"}
    assert slugs(member="1", legal_form="scop") == {"theatre-lens"}
    assert slugs(q="economie") == {"epicerie-lille"}
    assert slugs(bbox="2.2,49.8,2.4,50.0") == {"ressourcerie-amiens"}
    assert slugs(category="nothing-like-this") == set()
    assert geojson(client, category="nothing-like-this") == {
        "type": "FeatureCollection",
        "features": [],
    }


def test_unlocated_actor_has_a_null_geometry(client, directory):
    org = directory["theatre"]
    org.latitude = org.longitude = None
    org.save()
    features = geojson(client, territory="dep-62")["features"]
    assert features[0]["geometry"] is None


def test_csv_header_rows_and_filters(client, directory):
    response = client.get(CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    text = body(response)
    header = text[1:].splitlines()[0]
    assert header.split(";") == list(exports_public.CSV_HEADER)

    rows = {row["slug"]: row for row in csv_rows(client)}
    assert set(rows) == {"epicerie-lille", "ressourcerie-amiens", "theatre-lens", "formule"}
    lille = rows["epicerie-lille"]
    assert lille["nom"] == "Épicerie solidaire de Lille"
    assert lille["code_insee"] == "59350" and lille["commune"] == "Lille"
    assert lille["adherent"] == "oui" and lille["siret"] == "73282932000074"
    assert (lille["latitude"], lille["longitude"]) == ("50.63", "3.05")
    assert rows["ressourcerie-amiens"]["categories"] in (
        "alimentation, reemploi", "reemploi, alimentation",
    )  # fmt: skip
    assert rows["ressourcerie-amiens"]["adherent"] == "non"

    assert [r["slug"] for r in csv_rows(client, member="0", territory="dep-80")] == [
        "ressourcerie-amiens"
    ]


def test_csv_cells_never_run_as_formulas(client, directory):
    rows = {row["slug"]: row for row in csv_rows(client)}
    assert rows["formule"]["nom"] == '\'=HYPERLINK("http://evil.example")'
    assert exports_public.spreadsheet_safe("+33 6 39 98 00 00") == "+33 6 39 98 00 00"
    assert exports_public.spreadsheet_safe("-cmd|' /C calc'!A0") == "'-cmd|' /C calc'!A0"
    assert exports_public.spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"


def test_nothing_private_or_unpublished_is_exported(client, directory):
    for url in (GEOJSON, CSV):
        text = body(client.get(url))
        assert PRIVATE_EMAIL not in text and PRIVATE_PHONE not in text and "Rita" not in text
        assert "proposee" not in text and "archivee" not in text


def test_bad_bbox_is_a_clear_400(client, directory):
    for url in (GEOJSON, CSV):
        response = client.get(url, {"bbox": "nowhere"})
        assert response.status_code == 400
        assert "ouest,sud,est,nord" in response.json()["error"]["message"]


def test_rows_are_read_in_chunks_with_their_categories(client, directory, monkeypatch):
    """Several chunks: each organisation keeps its own categories across chunk edges."""
    monkeypatch.setattr(exports_public, "CHUNK", 1)
    features = geojson(client)["features"]
    by_slug = {f["properties"]["slug"]: sorted(f["properties"]["categories"]) for f in features}
    assert by_slug == {
        "epicerie-lille": ["alimentation"],
        "ressourcerie-amiens": ["alimentation", "reemploi"],
        "theatre-lens": ["culture"],
        "formule": ["culture"],
    }
    assert len(csv_rows(client)) == 4
