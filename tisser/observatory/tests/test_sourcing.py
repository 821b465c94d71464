"""Supplier sourcing: search by area, activity, status and size; shortlists saved, shared
by a signed link and exported (CSV, XLSX, PDF) with public fields only."""

import csv
import io

import pytest
from django.core import signing
from django.urls import reverse

from tisser.directory.models import Affiliation, Organisation, Person
from tisser.observatory import services, sourcing
from tisser.observatory.models import Shortlist
from tisser.observatory.views_sourcing import shortlist_token

pytestmark = pytest.mark.django_db


def names(params):
    search = sourcing.read_search(params)
    assert not search.errors
    return [org.name for org, _d in sourcing.search_suppliers(search)]


def test_within_n_km_of_a_commune_nearest_first(suppliers):
    # Albert → Péronne about 22 km, Amiens about 28 km, Lille about 77 km.
    assert names({"commune": "80016", "km": "30"}) == [
        "Ressourcerie du Coquelicot",
        "Atelier Adapté de Péronne",
        "Jardins d'Amiens",
    ]
    assert names({"commune": "Albert", "km": "25"}) == [
        "Ressourcerie du Coquelicot",
        "Atelier Adapté de Péronne",
    ]
    assert "Recyclerie de Lille" in names({"commune": "80016", "km": "100"})


def test_haversine_matches_a_known_distance():
    # Paris – London: 343.5 km on the sphere (the figure every geodesy example quotes).
    assert 343 < sourcing.haversine_km(48.8566, 2.3522, 51.5074, -0.1278) < 344


def test_status_activity_naf_size_and_territory(suppliers):
    assert names({"status": "siae"}) == ["Recyclerie de Lille", "Ressourcerie du Coquelicot"]
    assert names({"status": "ea"}) == ["Atelier Adapté de Péronne"]
    assert names({"status": "esus"}) == ["Jardins d'Amiens"]  # from its supplier profile
    assert len(names({"status": "reserved"})) == 4
    assert names({"category": "insertion"}) == ["Atelier Adapté de Péronne", "Jardins d'Amiens"]
    assert names({"naf": "38"}) == ["Ressourcerie du Coquelicot"]
    assert names({"naf": "81.30Z"}) == ["Jardins d'Amiens"]
    assert names({"size": "50-249"}) == ["Atelier Adapté de Péronne"]
    assert names({"territory": "dep-59"}) == ["Recyclerie de Lille"]
    assert names({"territory": "dep-80", "status": "siae"}) == ["Ressourcerie du Coquelicot"]


def test_unpublished_organisations_are_never_found(suppliers):
    org = suppliers["Ressourcerie du Coquelicot"]
    Organisation.objects.filter(pk=org.pk).update(status=Organisation.Status.PROPOSED)
    assert "Ressourcerie du Coquelicot" not in names({"commune": "80016", "km": "30"})


def test_bad_search_input_is_explained(client, suppliers):
    response = client.get(reverse("observatory:sourcing") + "?commune=Nullepart&km=9999")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nullepart" in body and "300" in body
    assert 'value="Nullepart"' in body  # what was typed is kept


def test_search_page_list_map_and_save_a_shortlist(client, suppliers):
    url = reverse("observatory:sourcing") + "?commune=80016&km=30"
    body = client.get(url).content.decode()
    assert "3 fournisseurs" in body or "3 suppliers" in body
    assert 'id="sourcing-config"' in body and "Ressourcerie du Coquelicot" in body
    ids = [suppliers["Ressourcerie du Coquelicot"].pk, suppliers["Jardins d'Amiens"].pk]
    response = client.post(
        reverse("observatory:shortlist_create"),
        {"name": "Marché de collecte", "organisation": ids, "query": "commune=80016&km=30"},
    )
    assert response.status_code == 302
    shortlist = Shortlist.objects.get()
    assert response["Location"] == reverse(
        "observatory:shortlist", kwargs={"token": shortlist_token(shortlist)}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Marché de collecte" in page and "Jardins d&#x27;Amiens" in page
    assert "Atelier Adapté" not in page


def test_shortlist_needs_a_name_and_a_supplier(client, suppliers):
    response = client.post(reverse("observatory:shortlist_create"), {"name": "", "query": ""})
    assert response.status_code == 302 and Shortlist.objects.count() == 0


def test_shortlist_links_are_signed(client, suppliers):
    shortlist = services.create_shortlist("Sel", [suppliers["Jardins d'Amiens"].pk])
    token = shortlist_token(shortlist)
    assert client.get(reverse("observatory:shortlist", kwargs={"token": token})).status_code == 200
    forged = signing.dumps(shortlist.pk, salt="another salt")
    assert client.get(reverse("observatory:shortlist", kwargs={"token": forged})).status_code == 404
    assert client.get(reverse("observatory:shortlist", kwargs={"token": "1"})).status_code == 404


def test_exports_hold_public_fields_only(client, suppliers):
    org = suppliers["Ressourcerie du Coquelicot"]
    person = Person.objects.create(first_name="Pia", last_name="Privée", email="pia@prive.example")
    Affiliation.objects.create(person=person, organisation=org)
    shortlist = services.create_shortlist("Sel", [org.pk, suppliers["Jardins d'Amiens"].pk])
    token = shortlist_token(shortlist)
    url = lambda fmt: reverse("observatory:shortlist_export", args=[token, fmt])  # noqa: E731
    text = b"".join(client.get(url("csv")).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "nom" and len(rows) == 3
    assert "SIAE" in rows[2][6] and "38.32Z" in rows[2]
    assert "pia@prive.example" not in text
    xlsx = client.get(url("xlsx"))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 1).value == "Jardins d'Amiens"
    pdf = client.get(url("pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"pia@prive" not in pdf.content
    assert client.get(url("doc")).status_code == 404


def test_logged_in_buyers_find_their_shortlists(client, suppliers, make_user):
    buyer = make_user("acheteuse@mairie.example")
    client.force_login(buyer)
    client.post(
        reverse("observatory:shortlist_create"),
        {"name": "Mes fournisseurs", "organisation": [suppliers["Jardins d'Amiens"].pk]},
    )
    shortlist = Shortlist.objects.get(owner=buyer)
    body = client.get(reverse("observatory:sourcing")).content.decode()
    assert "Mes fournisseurs" in body
    mine = client.get(reverse("observatory:shortlist_mine", args=[shortlist.pk]))
    assert mine.status_code == 302
    other = make_user("autre@mairie.example")
    client.force_login(other)
    assert client.get(reverse("observatory:shortlist_mine", args=[shortlist.pk])).status_code == 404


def test_supplier_profile_rules(suppliers):
    org = suppliers["Atelier Adapté de Péronne"]
    profile = services.set_supplier_profile(org, {"naf_code": "8810 c"})
    assert profile.naf_code == "88.10C" and profile.is_ea and profile.reserved_contracts
    with pytest.raises(Exception, match="NAF"):
        services.set_supplier_profile(org, {"naf_code": "abc"})


def test_local_authorities_are_not_suppliers(suppliers):
    from tisser.directory.contacts import services as directory

    directory.create_organisation(
        {
            "name": "Communauté de communes du Pays du Coquelicot",
            "commune": "80016",
            "latitude": 50.0,
            "longitude": 2.65,
            "legal_form": "collectivite",
        }
    )
    assert "Communauté de communes du Pays du Coquelicot" not in names(
        {"commune": "80016", "km": "30"}
    )


def test_staff_edit_a_supplier_profile(editor_client, suppliers):
    org = suppliers["Recyclerie de Lille"]
    listing = editor_client.get(reverse("observatory:staff_suppliers") + "?q=recyclerie")
    assert "Recyclerie de Lille" in listing.content.decode()
    url = reverse("observatory:staff_supplier", args=[org.pk])
    bad = editor_client.post(url, {"naf_code": "pas un code"})
    assert bad.status_code == 400 and 'value="pas un code"' in bad.content.decode()
    ok = editor_client.post(url, {"naf_code": "3832z", "is_esus": "on", "offer": "Collecte"})
    assert ok.status_code == 302
    org.supplier_profile.refresh_from_db()
    profile = org.supplier_profile
    assert (profile.naf_code, profile.is_esus, profile.is_siae) == ("38.32Z", True, True)


def test_pdf_prints_french_text_in_the_bundled_font(client, suppliers, settings):
    import io

    from pypdf import PdfReader

    settings.TISSER_PDF_FONT = "/nowhere/missing.ttf"  # whatever the system has
    shortlist = services.create_shortlist("Sélection été œuvre", [suppliers["Jardins d'Amiens"].pk])
    url = reverse("observatory:shortlist_export", args=[shortlist_token(shortlist), "pdf"])
    content = client.get(url).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Sélection été œuvre" in text and "Jardins d'Amiens" in text


def test_a_territory_may_be_named(suppliers, client):
    assert names({"territory": "Nord"}) == ["Recyclerie de Lille"]
    assert names({"territory": "Somme", "status": "ea"}) == ["Atelier Adapté de Péronne"]
    response = client.get(reverse("observatory:sourcing") + "?territory=Atlantide")
    assert response.status_code == 400 and "Atlantide" in response.content.decode()
