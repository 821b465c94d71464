"""GoGoCarto in and out: a map's export (JSON and CSV) imported through the engine and the
directory's de-duplication, categories mapped in a preview step; Tisser's actors
published in the same shape (read back by the importer) and as JSON-LD."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from tisser.core.imports import engine
from tisser.core.imports.models import ImportJob
from tisser.core.imports.reading import ImportFileError
from tisser.directory.contacts.services import create_organisation
from tisser.directory.imports import gogocarto
from tisser.directory.models import Organisation

FIXTURES = Path(__file__).parent / "fixtures"
JSON_EXPORT = (FIXTURES / "gogocarto-elements.json").read_bytes()
CSV_EXPORT = (FIXTURES / "gogocarto-export.csv").read_bytes()


def run(job, capture):
    with capture(execute=True):
        engine.confirm(job)
    job.refresh_from_db()
    assert job.status == "done", job.message
    return job


@pytest.mark.parametrize(("name", "raw"), [("carte.json", JSON_EXPORT), ("carte.csv", CSV_EXPORT)])
def test_a_gogocarto_export_is_previewed_then_imported(
    communes, categories, name, raw, django_capture_on_commit_callbacks
):
    job = gogocarto.start_import(name, raw)
    assert job.status == "checked" and job.error_count == 0, job.errors
    assert [r["label"] for r in job.preview] == [
        "La Fabrique Solidaire",
        "Roubaix Coop",
        "Ressourcerie des Flandres",
    ]
    # The map's categories, counted for the mapping step.
    assert job.counts["categories"] == {
        "Alimentation": 1,
        "Épicerie solidaire": 1,
        "Tiers-lieux": 1,
        "Réemploi": 1,
    }
    assert not Organisation.objects.exists()

    run(job, django_capture_on_commit_callbacks)
    fabrique = Organisation.objects.get(name="La Fabrique Solidaire")
    assert fabrique.commune_id == "59350" and fabrique.postcode == "59000"
    assert (fabrique.latitude, fabrique.longitude) == (
        pytest.approx(50.6329),
        pytest.approx(3.0586),
    )
    assert fabrique.website == "https://fabrique.example.org"
    assert fabrique.email == "contact@fabrique.example.org" and fabrique.phone
    assert "ateliers cuisine" in fabrique.description
    # Same name as a Tisser category: mapped without asking; the others left out.
    assert list(fabrique.categories.values_list("slug", flat=True)) == ["alimentation"]
    roubaix = Organisation.objects.get(name="Roubaix Coop")
    assert list(roubaix.categories.values_list("slug", flat=True)) == ["tiers-lieux"]
    # A commune Tisser does not know is left empty; the postcode and address stay.
    bergues = Organisation.objects.get(name="Ressourcerie des Flandres")
    assert bergues.commune_id is None and bergues.postcode == "59380"


def test_categories_are_mapped_by_staff_before_confirming(
    client, make_user, communes, categories, django_capture_on_commit_callbacks
):
    client.force_login(make_user("e@example.org", staff_role="editor"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    sent = client.post(
        reverse("directory:staff_gogocarto_import"),
        {"file": SimpleUploadedFile("carte.json", JSON_EXPORT)},
    )
    assert sent.status_code == 302
    page = client.get(sent["Location"]).content.decode()
    mapping_url = reverse(
        "directory:staff_gogocarto_categories", args=[sent["Location"].split("/")[-2]]
    )
    assert mapping_url in page
    form = client.get(mapping_url)
    assert form.status_code == 200
    fields = form.context["form"].names  # field key -> GoGoCarto category
    posted = {
        key: {"Épicerie solidaire": "alimentation", "Réemploi": "mobilite"}.get(name, "")
        for key, name in fields.items()
    }
    answer = client.post(mapping_url, posted)
    assert answer.status_code == 302
    job = ImportJob.objects.get()
    assert job.options["categories"]["Réemploi"] == "mobilite"
    assert job.options["categories"]["Alimentation"] == ""  # staff left it out
    run(job, django_capture_on_commit_callbacks)
    fabrique = Organisation.objects.get(name="La Fabrique Solidaire")
    assert list(fabrique.categories.values_list("slug", flat=True)) == ["alimentation"]
    bergues = Organisation.objects.get(name="Ressourcerie des Flandres")
    assert list(bergues.categories.values_list("slug", flat=True)) == ["mobilite"]


def test_an_actor_already_in_the_directory_is_updated_not_doubled(
    communes, categories, django_capture_on_commit_callbacks
):
    existing = create_organisation({"name": "LA FABRIQUE SOLIDAIRE", "commune": "59350"})
    job = gogocarto.start_import("carte.json", JSON_EXPORT)
    first = job.preview[0]
    assert (first["action"], first["target"]) == ("update", existing.pk)
    run(job, django_capture_on_commit_callbacks)
    assert Organisation.objects.filter(commune_id="59350").count() == 1
    existing.refresh_from_db()
    assert existing.website == "https://fabrique.example.org"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "not a GoGoCarto JSON"),
        (b'{"data": 3}', "no list of elements"),
        (b"[]", "no rows"),
    ],
)
def test_a_broken_json_export_is_refused_with_a_reason(db, settings, raw, message):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ImportFileError, match=message):
        gogocarto.start_import("carte.json", raw)


def test_an_element_without_a_name_is_an_error_with_its_rank(db, settings):
    settings.LANGUAGE_CODE = "en"
    raw = json.dumps({"data": [{"name": "Bon"}, {"geo": {"latitude": 99, "longitude": 3}}]})
    job = gogocarto.start_import("carte.json", raw.encode())
    assert [e["line"] for e in job.errors] == [2]
    assert any("name" in m for m in job.errors[0]["messages"])


def test_tisser_publishes_its_map_in_gogocarto_shape_and_reads_it_back(
    client, communes, categories, django_capture_on_commit_callbacks
):
    create_organisation(
        {
            "name": "Atelier Vélo",
            "commune": "59350",
            "address": "1 rue du Guidon",
            "postcode": "59000",
            "latitude": 50.63,
            "longitude": 3.06,
            "website": "https://velo.example.org",
            "email": "atelier@velo.example.org",
            "description": "<p>Réparation <strong>solidaire</strong></p>",
            "categories": ["mobilite"],
            "status": "published",
        }
    )
    response = client.get(reverse("directory:export_gogocarto"))
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    body = b"".join(response.streaming_content)
    data = json.loads(body)
    element = data["data"][0]
    assert element["name"] == "Atelier Vélo"
    assert element["geo"] == {"latitude": 50.63, "longitude": 3.06}
    assert element["address"]["addressLocality"] == "Lille"
    assert element["categories"] == ["Mobilité"]
    assert element["description"] == "Réparation solidaire"

    # Round trip: what Tisser publishes, the importer reads (into an empty directory).
    Organisation.objects.all().delete()
    job = gogocarto.start_import("tisser.json", body)
    assert job.error_count == 0, job.errors
    run(job, django_capture_on_commit_callbacks)
    again = Organisation.objects.get()
    assert (again.name, again.commune_id, again.postcode) == ("Atelier Vélo", "59350", "59000")
    assert (again.latitude, again.longitude) == (50.63, 3.06)
    assert again.website == "https://velo.example.org" and again.email == "atelier@velo.example.org"
    assert list(again.categories.values_list("slug", flat=True)) == ["mobilite"]


def test_the_map_as_json_ld_expands_to_schema_org(client, communes, categories):
    from pyld import jsonld

    create_organisation(
        {
            "name": "Atelier Vélo",
            "commune": "59350",
            "latitude": 50.63,
            "longitude": 3.06,
            "categories": ["mobilite"],
            "status": "published",
        }
    )
    response = client.get(reverse("directory:export_gogocarto_ld"))
    assert response["Content-Type"].startswith("application/ld+json")
    document = json.loads(b"".join(response.streaming_content))
    expanded = jsonld.expand(document, {"documentLoader": None})
    node = expanded[0]
    schema = "https://schema.org/"
    assert node["@type"] == [schema + "Organization"]
    assert node[schema + "name"][0]["@value"] == "Atelier Vélo"
    geo = node[schema + "geo"][0]
    assert geo["@type"] == [schema + "GeoCoordinates"]
    assert geo[schema + "latitude"][0]["@value"] == 50.63
    address = node[schema + "address"][0]
    assert address[schema + "addressLocality"][0]["@value"] == "Lille"
    assert node[schema + "keywords"][0]["@value"] == "Mobilité"
