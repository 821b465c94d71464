"""Loading the shipped reference data: counts, contents, centroids, idempotence."""

import csv
import importlib.util
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tisser.territories import reference
from tisser.territories.geometry import is_clean
from tisser.territories.models import Commune, Departement, Epci, Region
from tisser.territories.services import load_reference_data

from .fakeserver import SHARED_GEO

METROPOLITAN_RESTORED = {"14666", "15031", "15035", "15047", "15171", "85165", "85212"}


def test_first_load_creates_all_of_france(france, db):
    counts = france.counts
    assert counts["régions"].created == 26
    assert counts["départements"].created == 109
    assert counts["EPCI"].created == 1255
    assert counts["communes"].created == 34969
    assert Commune.objects.count() == 34969


def test_second_load_changes_nothing(france, db):
    report = load_reference_data()
    for name, counts in report.counts.items():
        assert (counts.created, counts.updated) == (0, 0), name
    assert report.counts["communes"].unchanged == 34969


def test_a_changed_row_is_restored_and_counted(france, db):
    Commune.objects.filter(code="59350").update(name="Lile", search_name="lile", latitude=0)
    report = load_reference_data()
    assert report.counts["communes"].updated == 1
    lille = Commune.objects.get(code="59350")
    assert (lille.name, lille.search_name) == ("Lille", "lille")
    assert lille.latitude == pytest.approx(50.63, abs=0.02)


def test_a_commune_carries_its_codes_postcodes_population_and_centre(france, db):
    lille = Commune.objects.select_related("epci", "departement", "region").get(code="59350")
    assert lille.departement.name == "Nord"
    assert lille.region.name == "Hauts-de-France"
    assert lille.epci.code == "200093201" and lille.epci.kind == "METRO"
    assert "59000" in lille.postcode_list and "59800" in lille.postcode_list
    assert lille.population > 200_000
    assert lille.latitude == pytest.approx(50.632, abs=0.01)
    assert lille.longitude == pytest.approx(3.047, abs=0.01)
    assert Commune.objects.get(code="62119").search_name == "bethune"


def test_departement_and_region_populations_are_sums_of_their_communes(france, db):
    nord = Departement.objects.get(code="59")
    assert nord.region_id == "32"
    assert 2_500_000 < nord.population < 2_700_000
    region = Region.objects.get(code="32")
    assert region.population == sum(
        Commune.objects.filter(region_id="32").values_list("population", flat=True)
    )
    assert Epci.objects.get(code="200093201").search_name.startswith("metropole europeenne")


def test_metropolitan_outlines_are_loaded(france, db):
    geometry = json.loads(Departement.objects.get(code="59").outline)
    assert geometry["type"] in ("Polygon", "MultiPolygon")
    assert Departement.objects.exclude(outline="").count() == 96
    assert Region.objects.exclude(outline="").count() == 13
    assert Departement.objects.get(code="971").outline == ""  # overseas: not shipped


def test_every_commune_of_mainland_and_overseas_departements_has_a_centre(france, db):
    """Only the overseas collectivities and the communes restored since 2018 lack one."""
    missing = Commune.objects.filter(latitude__isnull=True)
    mainland_missing = set(
        missing.exclude(departement_id__gte="975").values_list("code", flat=True)
    )
    assert mainland_missing == METROPOLITAN_RESTORED


def test_a_commune_created_since_2018_gets_the_centre_of_its_former_communes(france, db):
    """Conques-en-Rouergue (12218) has a new code; its former communes have centroids."""
    if not SHARED_GEO.exists():
        pytest.skip(f"{SHARED_GEO} (the shared reference files) is absent")
    with open(SHARED_GEO / "communes-centroides-2018.csv", encoding="utf-8") as handle:
        centroids = {row["code"]: row for row in csv.DictReader(handle)}
    assert "12218" not in centroids
    commune = Commune.objects.get(code="12218")
    former = centroids["12076"]  # Conques, its chef-lieu in 2018
    assert commune.latitude == pytest.approx(float(former["latitude"]), abs=0.001)
    assert commune.longitude == pytest.approx(float(former["longitude"]), abs=0.001)


def test_communes_refreshed_online_are_kept_unless_forced(france, db):
    Commune.objects.filter(code="59350").update(population=1, refreshed_at=timezone.now())
    report = load_reference_data(departements=["59"])
    assert "refreshed from the geo API" in report.skipped[0]
    assert Commune.objects.get(code="59350").population == 1
    load_reference_data(departements=["59"], force=True)
    lille = Commune.objects.get(code="59350")
    assert lille.population > 200_000 and lille.refreshed_at is None


def test_the_command_prints_counts(france, db):
    out = StringIO()
    call_command("load_territories", verbosity=2, stdout=out)
    assert "communes: 0 created, 0 updated, 34969 unchanged" in out.getvalue()
    out = StringIO()
    call_command("load_territories", stdout=out)
    one_line = out.getvalue()  # in the console's language, the count grouped as it writes it
    assert one_line.count("\n") == 1
    assert "34969" in one_line.replace("\xa0", "").replace(",", "").replace(" ", "")


def test_reference_files_sit_beside_the_module():
    """Read relative to the package, so an installed wheel finds them too."""
    assert Path(reference.__file__).parent / "data" == reference.DATA_DIR
    names = {p.name for p in reference.DATA_DIR.glob("*.gz")}
    assert {"communes.csv.gz", "departements-outlines.geojson.gz"} <= names
    assert (reference.DATA_DIR / "SOURCES.md").read_text().count("Licence Ouverte") >= 1
    total = sum(p.stat().st_size for p in reference.DATA_DIR.glob("*.gz"))
    assert total < 1_200_000


def _build_module():
    spec = importlib.util.spec_from_file_location("build", reference.DATA_DIR / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_takes_a_new_commune_centre_from_its_former_communes():
    build = _build_module()
    centroids = {"01001": (46.0, 5.0), "01002": (46.2, 5.4)}
    former = {"01999": ["01001", "01002"]}
    assert build.centroid_for({"code": "01001"}, centroids, former) == (46.0, 5.0)
    assert build.centroid_for({"code": "01999"}, centroids, former) == (46.1, 5.2)
    assert build.centroid_for({"code": "01998", "anciensCodes": ["01002"]}, centroids, {}) == (
        46.2,
        5.4,
    )
    assert build.centroid_for({"code": "01997"}, centroids, {}) is None


def test_build_rounds_outlines_and_drops_repeated_points():
    build = _build_module()
    square = [[0.000001, 0.0], [0.00002, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    rounded = build.round_geometry({"type": "Polygon", "coordinates": [square]})
    ring = rounded["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 5
    assert sorted(map(tuple, ring[:-1])) == [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    assert is_clean(rounded)
