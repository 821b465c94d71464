"""Importing indicator values on the core import engine: preview, errors with line
numbers, all or nothing, restart, and the large-file path through the task queue."""

import io

import pytest
from django.urls import reverse

from tisser.core.imports import engine
from tisser.core.imports.models import ImportJob
from tisser.observatory import imports
from tisser.observatory.imports import ImportFileError
from tisser.observatory.models import Indicator, IndicatorValue, Level

pytestmark = pytest.mark.django_db

GOOD = (
    "code_insee;annee;valeur;unite;theme\n"
    "80016;2024;512,4;kg/hab;waste\n"
    "dep-80;2024;570;kg/hab;déchets\n"
    "reg-32;2024;590;;\n"
    "248000747;2024;530.5;;\n"
)


def test_a_good_file_previews_then_commits(waste, run_on_commit):
    job = imports.start_import(waste, "valeurs.csv", GOOD.encode())
    assert job.status == ImportJob.Status.CHECKED and not job.errors
    assert job.counts["check"] == {"create": 4}
    assert [row["line"] for row in job.preview] == [2, 3, 4, 5]
    assert not IndicatorValue.objects.filter(year=2024).exists()  # checking writes nothing
    with run_on_commit():
        imports.confirm_import(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE  # the task ran (eager in tests)
    assert job.counts["run"] == {"created": 4, "updated": 0}
    stored = dict(
        IndicatorValue.objects.filter(indicator=waste, year=2024).values_list("code", "value")
    )
    assert stored == {"80016": 512.4, "80": 570.0, "32": 590.0, "248000747": 530.5}
    levels = set(IndicatorValue.objects.filter(year=2024).values_list("level", flat=True))
    assert levels == {Level.COMMUNE, Level.DEPARTEMENT, Level.REGION, Level.EPCI}


def test_replacing_values_counts_them(waste, run_on_commit):
    job = imports.start_import(waste, "v.csv", b"code_insee,annee,valeur\n80016,2023,400\n")
    assert job.counts["check"] == {"update": 1}
    with run_on_commit():
        imports.confirm_import(job)
    job.refresh_from_db()
    assert job.counts["run"] == {"created": 0, "updated": 1}
    assert IndicatorValue.objects.get(indicator=waste, code="80016", year=2023).value == 400


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(waste):
    raw = (
        b"code_insee;annee;valeur;unite\n"
        b"80016;2024;512;kg/hab\n"
        b"99999;2024;1;kg/hab\n"
        b"80021;vingt;2;kg/hab\n"
        b"80021;2024;beaucoup;kg/hab\n"
        b"80016;2024;513;kg/hab\n"
        b"80050;2024;3;tonnes\n"
        b"\n"
        b"80060;2024;4;kg/hab;extra\n"
    )
    before = IndicatorValue.objects.count()
    job = imports.start_import(waste, "bad.csv", raw)
    lines = {e["line"]: " ".join(e["messages"]) for e in job.errors}
    assert set(lines) == {3, 4, 5, 6, 7, 9}
    assert "99999" in lines[3]
    assert "vingt" in lines[4]
    assert "beaucoup" in lines[5]
    assert "line 2" in lines[6] or "ligne 2" in lines[6]
    assert "tonnes" in lines[7]
    with pytest.raises(Exception, match="rows with errors|lignes en erreur|Corrig"):
        imports.confirm_import(job)
    assert IndicatorValue.objects.count() == before


def test_whole_file_errors_are_clear(waste):
    for name, raw, expected in [
        ("x.pdf", b"%PDF", "csv"),
        ("x.csv", b"", "vide|empty"),
        ("x.csv", b"code;valeur\n80016;1\n", "annee"),
        ("x.csv", b"code;annee;valeur;couleur\n", "couleur"),
        ("x.csv", b"code;annee;valeur\n", "no rows|aucune ligne"),
    ]:
        with pytest.raises(ImportFileError, match=expected):
            imports.start_import(waste, name, raw)
    assert not ImportJob.objects.exists()


def test_xlsx_files_are_read(waste):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Code INSEE", "Année", "Valeur"])
    sheet.append(["80016", 2022, 505.5])
    buffer = io.BytesIO()
    book.save(buffer)
    job = imports.start_import(waste, "v.xlsx", buffer.getvalue())
    assert job.can_confirm and job.preview[0]["label"] == "80016 · 2022 · 505.5"
    engine.confirm(job)
    engine.run_job(job.pk)
    assert IndicatorValue.objects.get(indicator=waste, code="80016", year=2022).value == 505.5


def test_a_large_file_is_checked_in_the_worker_with_progress(waste, run_on_commit, monkeypatch):
    from tisser.territories.models import Commune

    monkeypatch.setattr(engine, "SYNC_CHECK_BYTES", 1000)
    codes = list(Commune.objects.values_list("code", flat=True)[:2500])
    raw = "code_insee;annee;valeur\n" + "".join(f"{c};2020;{i}\n" for i, c in enumerate(codes))
    with run_on_commit():
        job = imports.start_import(waste, "big.csv", raw.encode())
        assert job.status == ImportJob.Status.CHECKING
    job.refresh_from_db()
    # Eager tasks in tests: the check ran in "the worker" once the upload's transaction ended.
    assert job.total == 2500 and job.status == ImportJob.Status.CHECKED
    with run_on_commit():
        imports.confirm_import(job)
    assert IndicatorValue.objects.filter(indicator=waste, year=2020).count() == 2500


def test_staff_pages_upload_preview_confirm(waste, editor_client, run_on_commit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("observatory:staff_indicator", args=[waste.pk])
    response = editor_client.post(url, {"file": SimpleUploadedFile("v.csv", GOOD.encode())})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("core:import_detail", args=[job.pk])
    detail = editor_client.get(response["Location"]).content.decode()
    confirm = reverse("core:import_confirm", args=[job.pk])
    assert confirm in detail and "Déchets ménagers" in detail
    assert url in detail  # back to the indicator's page, to send another file
    with run_on_commit():
        response = editor_client.post(confirm)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert reverse("core:import_detail", args=[job.pk]) in editor_client.get(url).content.decode()
    bad = editor_client.post(
        url, {"file": SimpleUploadedFile("v.csv", b"code;annee;valeur\n00000;2020;1\n")}
    )
    page = editor_client.get(bad["Location"]).content.decode()
    bad_job = ImportJob.objects.exclude(pk=job.pk).get()
    assert "00000" in page and "Ligne 2" in page
    assert reverse("core:import_confirm", args=[bad_job.pk]) not in page


def test_staff_create_and_edit_an_indicator(editor_client):
    from tisser.observatory.models import Indicator

    url = reverse("observatory:staff_indicator_create")
    bad = editor_client.post(url, {"name": "", "theme": "waste", "decimals": "1"})
    assert bad.status_code == 400
    response = editor_client.post(
        url,
        {
            "name": "Emplois dans l'ESS",
            "theme": "employment",
            "unit": "%",
            "source": "INSEE Flores",
            "licence": "Licence Ouverte",
            "decimals": "1",
            "is_published": "on",
        },
    )
    indicator = Indicator.objects.get()
    assert response.status_code == 302 and indicator.slug == "emplois-dans-less"
    editor_client.post(
        reverse("observatory:staff_indicator_edit", args=[indicator.pk]),
        {"name": "Emplois dans l'ESS (part)", "theme": "employment", "decimals": "2"},
    )
    indicator.refresh_from_db()
    assert indicator.name == "Emplois dans l'ESS (part)" and indicator.slug == "emplois-dans-less"
    assert not indicator.is_published


def test_progress_fragment_polls_until_done(waste, editor_client):
    job = imports.start_import(waste, "v.csv", b"code_insee;annee;valeur\n80016;2020;1\n")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    url = reverse("core:import_progress", args=[job.pk])
    running = editor_client.get(url, HTTP_HX_REQUEST="true")
    assert "hx-trigger" in running.content.decode()
    assert "HX-Refresh" not in running
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE)
    done = editor_client.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_a_value_refused_at_commit_time_fails_the_job_with_its_line(waste, monkeypatch):
    """The preview was good, but the write fails: the batch rolls back, the line is named."""
    from django.core.exceptions import ValidationError

    from tisser.observatory import services

    job = imports.start_import(waste, "v.csv", GOOD.encode())
    imports.confirm_import(job)

    def refuse(indicator, level, values):
        raise ValidationError("refused on purpose")

    monkeypatch.setattr(services, "set_values", refuse)
    job = engine.run_job(job.pk)
    assert job.status == "failed" and "2" in job.message and "refused on purpose" in job.message
    assert not IndicatorValue.objects.filter(year=2024).exists()


def test_an_interrupted_import_is_restarted_and_writes_each_value_once(waste, monkeypatch):
    from tisser.observatory import services

    job = imports.start_import(waste, "v.csv", GOOD.encode())
    imports.confirm_import(job)
    real = services.set_values

    def dying(indicator, level, values):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services, "set_values", dying)
    job = engine.run_job(job.pk)
    assert job.status == "interrupted" and job.can_restart
    assert not IndicatorValue.objects.filter(year=2024).exists()
    monkeypatch.setattr(services, "set_values", real)
    engine.restart(job)
    job = engine.run_job(job.pk)
    assert job.status == "done" and job.counts["run"] == {"created": 4, "updated": 0}
    assert IndicatorValue.objects.filter(indicator=waste, year=2024).count() == 4


def test_old_links_to_a_moved_job_lead_to_the_engine_page(waste, editor_client):
    job = imports.start_import(waste, "v.csv", GOOD.encode())
    ImportJob.objects.filter(pk=job.pk).update(options={"indicator": waste.pk, "legacy_id": 7})
    response = editor_client.get(reverse("observatory:staff_import", args=[7]))
    assert response.status_code == 302
    assert response.url == reverse("core:import_detail", args=[job.pk])
    assert Indicator.objects.count() == 1
