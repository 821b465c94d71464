"""Refreshing territories and fetching commune outlines from a fake geo API on 127.0.0.1."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tisser.territories.geometry import is_clean
from tisser.territories.models import Commune, Departement, Epci

from .fakeserver import SHARED_GEO, FakeServer, closed_port_url

LILLE_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[3.0, 50.6], [3.1234567, 50.6], [3.1, 50.7], [3.0, 50.7], [3.0, 50.6]]],
}


def geo_api_routes():
    communes = [
        {
            "code": "59350",
            "nom": "Lille",
            "centre": {"type": "Point", "coordinates": [3.0586, 50.6311]},
            "population": 240000,
            "codesPostaux": ["59000", "59800"],
            "codeEpci": "200093201",
            "codeDepartement": "59",
            "codeRegion": "32",
        },
        {  # a commune the shipped files do not know yet
            "code": "59999",
            "nom": "Nouvelle-Commune",
            "centre": {"type": "Point", "coordinates": [3.2, 50.5]},
            "population": 1200,
            "codesPostaux": ["59999"],
            "codeEpci": "200099999",
            "codeDepartement": "59",
            "codeRegion": "32",
        },
        {  # no centre, unknown département: skipped
            "code": "00001",
            "nom": "Ailleurs",
            "codeDepartement": "00",
            "codeRegion": "00",
        },
    ]
    outlines = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "59350", "nom": "Lille"},
                "geometry": LILLE_SQUARE,
            },
            {
                "type": "Feature",
                "properties": {"code": "62119", "nom": "Béthune"},
                "geometry": LILLE_SQUARE,
            },  # not département 59: ignored
            {
                "type": "Feature",
                "properties": {"code": "59999", "nom": "Inconnue"},
                "geometry": LILLE_SQUARE,
            },  # not loaded: ignored
        ],
    }

    def communes_route(query):
        if query.get("format") == "geojson":
            assert query == {"codeDepartement": "59", "format": "geojson", "geometry": "contour"}
            return 200, outlines
        assert set(query["fields"].split(",")) >= {"centre", "population", "codesPostaux"}
        return 200, communes

    return {
        "/regions": lambda q: (200, [{"code": "32", "nom": "Hauts-de-France"}]),
        "/departements": lambda q: (200, [{"code": "59", "nom": "Nord", "codeRegion": "32"}]),
        "/epcis": lambda q: (
            200,
            [{"code": "200093201", "nom": "Métropole Européenne de Lille", "population": 1}],
        ),
        "/communes": communes_route,
    }


@pytest.fixture
def geo_api(settings):
    with FakeServer(geo_api_routes()) as server:
        settings.TISSER_GEO_API_URL = server.url
        yield server


def test_refresh_updates_communes_from_the_geo_api(hauts_de_france, geo_api):
    out = StringIO()
    call_command("refresh_territories", stdout=out)
    assert "communes: 1 created, 1 updated, 0 unchanged" in out.getvalue()  # 59999 is new
    assert "1 communes skipped" in out.getvalue()
    lille = Commune.objects.get(code="59350")
    assert (lille.latitude, lille.longitude) == (50.6311, 3.0586)
    assert lille.population == 240000 and lille.postcodes == "59000,59800"
    assert lille.refreshed_at is not None
    assert Epci.objects.get(code="200093201").population == 1
    nord = Departement.objects.get(code="59")
    assert nord.population == sum(nord.communes.values_list("population", flat=True))
    # A later load of the shipped (older) files leaves the refreshed commune alone.
    call_command("load_territories", "--departement", "59", stdout=StringIO())
    assert Commune.objects.get(code="59350").population == 240000


def test_refresh_adds_new_communes_when_their_departement_is_known(hauts_de_france, geo_api):
    Commune.objects.filter(code="59999").delete()
    geo_api.routes["/epcis"] = lambda q: (200, [])
    call_command("refresh_territories", stdout=StringIO())
    new = Commune.objects.get(code="59999")
    assert new.search_name == "nouvelle commune" and new.departement_id == "59"
    assert new.epci_id is None  # its EPCI is unknown here
    assert not Commune.objects.filter(code="00001").exists()


def test_refresh_offline_says_so_and_changes_nothing(hauts_de_france, settings):
    settings.TISSER_GEO_API_URL = ""
    with pytest.raises(CommandError, match="offline mode"):
        call_command("refresh_territories", stdout=StringIO())
    settings.TISSER_GEO_API_URL = closed_port_url()
    with pytest.raises(CommandError, match="is the machine offline"):
        call_command("refresh_territories", stdout=StringIO())
    assert Commune.objects.filter(refreshed_at__isnull=False).count() == 0


def test_refresh_on_a_server_error_changes_nothing(hauts_de_france, geo_api):
    geo_api.routes["/communes"] = lambda q: (503, {})
    with pytest.raises(CommandError, match="HTTP 503"):
        call_command("refresh_territories", stdout=StringIO())
    assert Commune.objects.get(code="59350").refreshed_at is None


def test_fetch_commune_outlines_stores_a_departements_outlines(hauts_de_france, geo_api):
    out = StringIO()
    call_command("fetch_commune_outlines", "--departement", "59", stdout=out)
    assert "1 created, 0 updated, 0 unchanged" in out.getvalue()
    stored = json.loads(Commune.objects.get(code="59350").outline)
    assert [3.12346, 50.6] in stored["coordinates"][0]  # rounded to 5 decimals
    assert is_clean(stored)  # valid, counter-clockwise (RFC 7946)
    assert Commune.objects.get(code="62119").outline == ""
    out = StringIO()
    call_command("fetch_commune_outlines", "--departement", "59", stdout=out)
    assert "0 created, 0 updated, 1 unchanged" in out.getvalue()


def test_fetch_commune_outlines_offline_points_to_the_file_option(hauts_de_france, settings):
    settings.TISSER_GEO_API_URL = closed_port_url()
    with pytest.raises(CommandError, match="--file PATH"):
        call_command("fetch_commune_outlines", "--departement", "59", stdout=StringIO())


def test_fetch_commune_outlines_from_the_shared_file(hauts_de_france):
    path = SHARED_GEO / "communes-hauts-de-france.geojson"
    if not path.exists():
        pytest.skip(f"{path} (the shared reference files) is absent")
    out = StringIO()
    call_command("fetch_commune_outlines", "--departement", "80", "--file", str(path), stdout=out)
    somme = Commune.objects.filter(departement_id="80")
    with_outline = somme.exclude(outline="").count()
    assert f"{with_outline} created" in out.getvalue()
    assert with_outline > 0.95 * somme.count()
    assert not Commune.objects.filter(departement_id="59").exclude(outline="").exists()
    amiens = json.loads(Commune.objects.get(code="80021").outline)
    assert amiens["type"] in ("Polygon", "MultiPolygon")


def test_the_communes_geojson_view_serves_fetched_outlines(hauts_de_france, client):
    from django.urls import reverse

    from tisser.territories.services import store_commune_outlines

    store_commune_outlines(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"code": "59350"}, "geometry": LILLE_SQUARE}
            ],
        }
    )
    url = reverse("territories:communes_geojson")
    collection = client.get(url, {"departement": "59"}).json()
    assert [f["properties"] for f in collection["features"]] == [{"code": "59350", "name": "Lille"}]
    assert client.get(url, {"departement": "62"}).json()["features"] == []
    response = client.get(url, {"departement": "00"})
    assert response.status_code == 400 and "département" in response.json()["error"]["message"]
    assert client.get(url).status_code == 400


def test_fetch_commune_outlines_rejects_bad_arguments(hauts_de_france, tmp_path):
    with pytest.raises(CommandError, match="--departement CODE"):
        call_command("fetch_commune_outlines")
    with pytest.raises(CommandError, match="Unknown département 00"):
        call_command("fetch_commune_outlines", "--departement", "00")
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("fetch_commune_outlines", "--file", str(bad))
    bad.write_text('{"type": "Feature"}')
    with pytest.raises(CommandError, match="not a GeoJSON FeatureCollection"):
        call_command("fetch_commune_outlines", "--file", str(bad))
