"""Finding communes and territories, and the JSON views built on them (all of France)."""

import json

import pytest
from django.urls import reverse

from tisser.territories.queries import find_commune, search_territories, territory_label


@pytest.mark.parametrize(
    ("text", "postcode", "expected"),
    [
        ("59350", "", "59350"),  # INSEE code
        ("Lille", "", "59350"),  # unique name
        ("LILLE", "", "59350"),  # case
        ("bethune", "", "62119"),  # accents
        ("  Béthune ", "62400", "62119"),
        ("St-Omer", "62500", "62765"),  # abbreviation
        ("Lille Cedex", "59046", "59350"),  # CEDEX postcode: the département decides
        ("Bailleul", "59270", "59043"),  # homonyms: the postcode decides
        ("bailleul", "80490", "80051"),
        ("Bailleul", "80000", "80051"),  # not its postcode, but the only one in the Somme
        ("2A004", "", "2A004"),  # Corsica, Ajaccio
        ("ajaccio", "20000", "2A004"),
        ("Lille (59)", "", "59350"),  # the autocomplete's label
        ("Saint-Omer (62)", "", "62765"),
        ("Paris 11e", "75011", "75056"),  # arrondissements belong to their commune
        ("Marseille 1er Arrondissement", "", "13055"),
        ("lyon 3eme", "", "69123"),
    ],
)
def test_find_commune_finds(france, db, text, postcode, expected):
    commune = find_commune(text, postcode)
    assert commune is not None and commune.code == expected


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("Bailleul", ""),  # three Bailleul in France: ambiguous without a postcode
        ("Saint-Omer", ""),  # Calvados and Pas-de-Calais
        ("Bailleul", "75001"),  # no Bailleul in Paris
        ("Lille", "75001"),  # a postcode that contradicts the name
        ("Nulle-Part-sur-Mer", ""),
        ("Saint-Omer (59)", ""),  # no Saint-Omer in the Nord
        ("", "59000"),
        ("99999", ""),
    ],
)
def test_find_commune_says_unknown_or_ambiguous(france, db, text, postcode):
    assert find_commune(text, postcode) is None


def test_search_puts_the_exact_commune_first_with_filter_codes(france, db):
    results = search_territories("lille")
    assert results[0] == {
        "code": "59350",
        "label": "Lille (59)",
        "kind": "commune",
        "kind_label": "Commune",
    }
    codes = [r["code"] for r in results]
    assert "epci-200093201" in codes  # Métropole Européenne de Lille
    assert len(results) <= 10


def test_search_finds_departements_regions_and_ignores_accents(france, db):
    assert search_territories("nord")[0]["code"] == "dep-59"
    assert search_territories("Hauts-de-France")[0] == {
        "code": "reg-32",
        "label": "Hauts-de-France",
        "kind": "region",
        "kind_label": "Région",
    }
    assert search_territories("bethune")[0]["label"] == "Béthune (62)"
    assert search_territories("metropole europeenne de lille")[0]["code"] == "epci-200093201"


def test_search_by_codes_and_postcodes(france, db):
    assert search_territories("59")[0]["code"] == "dep-59"
    assert [r["code"] for r in search_territories("59000")] == ["59350"]
    assert search_territories("62119")[0]["label"] == "Béthune (62)"
    assert search_territories("200093201")[0]["code"] == "epci-200093201"


def test_search_respects_the_limit_and_empty_queries(france, db):
    assert len(search_territories("saint", limit=5)) == 5
    assert search_territories("") == []
    assert search_territories("   ") == []


def test_territory_label_reads_every_kind_of_code(france, db):
    assert territory_label("reg-32") == "Hauts-de-France"
    assert territory_label("dep-59") == "Nord (59)"
    assert territory_label("epci-200093201").startswith("Métropole Européenne de Lille")
    assert territory_label("59350") == "Lille (59)"
    assert territory_label("dep-00") is None


def test_search_view_answers_json(france, db, client):
    response = client.get(reverse("territories:search"), {"q": "lille", "limit": "3"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 3 and results[0]["code"] == "59350"
    refused = client.get(reverse("territories:search"), {"limit": "x"})
    assert refused.status_code == 400 and "limit" in refused.json()["error"]["message"]


@pytest.mark.parametrize(("name", "count"), [("departements_geojson", 96), ("regions_geojson", 13)])
def test_outline_views_serve_cacheable_feature_collections(france, db, client, name, count):
    url = reverse(f"territories:{name}")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age=86400" in response["Cache-Control"] and "public" in response["Cache-Control"]
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == count
    feature = collection["features"][0]
    assert set(feature["properties"]) == {"code", "name"}
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
