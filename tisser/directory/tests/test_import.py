"""Import of organisations from CSV and XLSX: preview, line-numbered errors, all or nothing."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from tisser.core.imports import engine
from tisser.core.imports.models import ImportJob
from tisser.directory.contacts.services import create_organisation
from tisser.directory.imports import (
    ImportFileError,
    confirm_import,
    start_import,
    template_csv,
    template_xlsx,
)
from tisser.directory.imports.columns import HEADERS
from tisser.directory.models import (
    Affiliation,
    Organisation,
    OrganisationRevision,
    Person,
)

from .test_services import OTHER_SIRET, VALID_SIRET

HEADER = "nom;siret;adresse;code_postal;commune;categories;adherent;contact_prenom;contact_email"
GOOD = [
    HEADER,
    f"La Fabrique;{VALID_SIRET};12 rue de la Paix;59000;Lille;alimentation;oui;Ana;ana@ex.org",
    "Roubaix Coop;;;59100;59512;Tiers-lieux, alimentation;non;;",
]


def csv_bytes(lines):
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        confirm_import(job)
    job.refresh_from_db()
    return job


def test_good_csv_is_previewed_then_committed(
    communes, categories, make_user, django_capture_on_commit_callbacks
):
    editor = make_user("e@example.org", staff_role="editor")
    job = start_import("orgs.csv", csv_bytes(GOOD), author=editor)
    assert [r["action"] for r in job.preview] == ["create", "create"]
    assert [r["line"] for r in job.preview] == [2, 3]
    assert not Organisation.objects.exists()  # the preview writes nothing

    job = run(job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE
    assert (job.counts["run"]["created"], job.counts["run"]["updated"], job.done) == (2, 0, 2)
    fabrique = Organisation.objects.get(siret=VALID_SIRET)
    assert fabrique.commune_id == "59350" and fabrique.is_member
    assert fabrique.revisions.filter(source=OrganisationRevision.Source.IMPORT).exists()
    roubaix = Organisation.objects.get(name="Roubaix Coop")
    assert set(roubaix.categories.values_list("slug", flat=True)) == {"tiers-lieux", "alimentation"}
    assert Affiliation.objects.get().person.email == "ana@ex.org"


def test_existing_organisation_is_updated_not_duplicated(
    communes, categories, django_capture_on_commit_callbacks
):
    by_siret = create_organisation({"name": "Ancien nom", "siret": VALID_SIRET})
    by_name = create_organisation(
        {"name": "ROUBAIX COOP", "commune": "59512", "website": "https://keep.example"}
    )
    job = start_import("orgs.csv", csv_bytes(GOOD))
    assert [(r["action"], r["target"]) for r in job.preview] == [
        ("update", by_siret.pk),
        ("update", by_name.pk),
    ]
    job = run(job, django_capture_on_commit_callbacks)
    assert job.counts["run"]["updated"] == 2 and Organisation.objects.count() == 2
    by_name.refresh_from_db()
    assert by_name.website == "https://keep.example"  # an empty cell changes nothing


BAD_ROWS = [
    ("Mauvais SIRET;12345678901234;;;Lille;;;;", "SIRET"),
    ("Commune inconnue;;;;Atlantide;;;;", "Atlantide"),
    ("Mauvais email;;;;Lille;;;Ana;pas-un-email", "contact_email"),
    (";;;;Lille;;;;", "nom"),
    ("Catégorie inconnue;;;;Lille;astrologie;;;", "astrologie"),
    ("Trop de valeurs;;;;Lille;;;;;;en trop", "more values"),
    ("Adhérent bizarre;;;;Lille;;peut-être;;", "adherent"),
]


@pytest.mark.parametrize(("row", "hint"), BAD_ROWS)
def test_each_bad_row_is_reported_with_its_line_and_nothing_is_written(
    communes, categories, row, hint, settings
):
    settings.LANGUAGE_CODE = "en"
    job = start_import("orgs.csv", csv_bytes([*GOOD, row]))
    report = {r["line"]: r for r in job.preview}
    assert report[4]["action"] == "error", report[4]
    assert any(hint.lower() in m.lower() for m in report[4]["messages"]), report[4]["messages"]
    assert report[2]["action"] == report[3]["action"] == "create"
    assert job.error_count == 1
    with pytest.raises(Exception, match="row with errors"):
        confirm_import(job)
    assert not Organisation.objects.exists()


def test_coordinates_out_of_range_are_reported(communes):
    job = start_import("o.csv", csv_bytes(["nom;latitude;longitude", "Loin;95;3"]))
    assert job.preview[0]["action"] == "error"
    assert job.preview[0]["line"] == 2
    assert "90" in " ".join(job.preview[0]["messages"])


def test_same_organisation_twice_in_the_file(communes):
    job = start_import("o.csv", csv_bytes(["nom;commune", "Coop;Lille", "coop;59350"]))
    assert job.preview[1]["action"] == "error"
    assert "2" in job.preview[1]["messages"][0]


def test_a_row_failing_at_commit_time_rolls_everything_back(
    communes, categories, django_capture_on_commit_callbacks
):
    job = start_import("orgs.csv", csv_bytes(GOOD))
    # Between preview and commit the commune of line 3 disappears: line 3 now fails, and
    # line 2, in the same batch, must not stay.
    engine.replace_file(job, csv_bytes([*GOOD[:2], GOOD[2].replace("59512", "Atlantide")]))
    job = run(job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED
    assert "3" in job.message and "Atlantide" in job.message
    assert not Organisation.objects.exists()
    assert not Person.objects.exists()


def test_xlsx_import(communes, categories, django_capture_on_commit_callbacks):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "SIRET", "Commune", "Effectif", "Forme juridique"])
    sheet.append(["Atelier", int(VALID_SIRET), "Lille", "3-9", "SCOP"])
    sheet.append(["Autre", OTHER_SIRET, "Nulle-part", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = start_import("orgs.xlsx", buffer.getvalue())
    assert job.preview[0]["action"] == "create", job.preview[0]
    assert job.preview[1]["action"] == "error" and job.preview[1]["line"] == 3
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = start_import("orgs.xlsx", buffer.getvalue())
    job = run(job, django_capture_on_commit_callbacks)
    org = Organisation.objects.get()
    assert (org.siret, org.workforce, org.legal_form) == (VALID_SIRET, "3-9", "scop")


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("x.pdf", b"%PDF", ".csv"),
        ("x.xlsx", b"not a zip", "XLSX"),
        ("x.csv", b"", "empty"),
        ("x.csv", b"siret;commune\n1;2\n", "nom"),
        ("x.csv", b"nom;couleur\nA;bleu\n", "couleur"),
        ("x.csv", b'nom;commune\nA;Lille\n"B;Lille\nC;Lille', "line"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(db, settings, name, raw, message):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ImportFileError, match=message):
        start_import(name, raw)
    assert not ImportJob.objects.exists()


def test_templates_have_every_column(db):
    csv_text = template_csv().decode("utf-8-sig")
    assert csv_text.splitlines()[0].split(";") == HEADERS
    job = start_import("t.csv", template_csv())
    assert job.preview[0]["label"] == "La Fabrique Solidaire"
    sheet = load_workbook(io.BytesIO(template_xlsx())).active
    assert [c.value for c in sheet[1]] == HEADERS


def test_a_large_file_is_checked_in_the_worker_with_progress(
    communes, monkeypatch, django_capture_on_commit_callbacks, client, make_user
):
    monkeypatch.setattr(engine, "SYNC_CHECK_BYTES", 10)
    lines = ["nom;commune", *[f"Coop {n};Lille" for n in range(5)], "Sans commune;Atlantide"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start_import("grand.csv", csv_bytes(lines))
    assert job.status == ImportJob.Status.CHECKING and job.preview == []
    client.force_login(make_user("e@example.org", staff_role="editor"))
    progress_url = f"/gestion/imports/{job.pk}/progression/"
    fragment = client.get(progress_url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in fragment.content.decode()  # the page keeps polling
    assert "HX-Refresh" not in fragment

    callbacks[0]()  # the worker's turn (eager in tests)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert [r["action"] for r in job.preview] == ["create"] * 5 + ["error"]
    assert job.preview[-1]["line"] == 7 and job.error_count == 1
    fragment = client.get(progress_url, headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"  # the page reloads to show the preview
    assert not Organisation.objects.exists()


def test_contact_can_be_made_representative(communes, django_capture_on_commit_callbacks):
    lines = [
        "nom;commune;contact_email;contact_role;contact_representant",
        "Coop;Lille;rep@ex.org;Présidente;oui",
        "Autre;Lille;membre@ex.org;;non",
        "Troisième;Lille;x@ex.org;;peut-être",
    ]
    job = start_import("o.csv", csv_bytes(lines))
    assert [r["action"] for r in job.preview] == ["create", "create", "error"]
    assert "contact_representant" in job.preview[2]["messages"][0]
    job = start_import("o.csv", csv_bytes(lines[:3]))
    run(job, django_capture_on_commit_callbacks)
    # A file only claims who represents whom: staff confirm it on the requests page.
    rep = Affiliation.objects.get(person__email="rep@ex.org")
    assert rep.role == "Présidente" and rep.claims_representation
    assert (rep.status, rep.source, rep.claim_detail) == ("claimed", "import", "o.csv")
    assert not rep.is_representative
    member = Affiliation.objects.get(person__email="membre@ex.org")
    assert member.status == "claimed" and not member.claims_representation
    assert list(Affiliation.objects.representatives()) == []
