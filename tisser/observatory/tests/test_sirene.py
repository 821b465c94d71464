"""The Sirene import: streaming both stock files (real column names), filtering by ESS
flag, territory and activity, merging into the contacts base without duplicates."""

import csv
import io
import time
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from tisser.core.imports import engine
from tisser.core.imports.models import ImportJob
from tisser.directory.contacts import services as directory
from tisser.directory.models import Organisation, OrganisationRevision
from tisser.observatory.models import SupplierProfile
from tisser.observatory.sirene.reading import (
    SireneFileError,
    read_ess_units,
    read_establishments,
)
from tisser.observatory.sirene.running import communes_of, start_sirene_import
from tisser.observatory.sirene.sample import write_sample

SOMME = [("80016", "Albert", "80300"), ("80021", "Amiens", "80000"), ("80620", "Péronne", "80200")]
ELSEWHERE = [("59350", "Lille", "59000"), ("62041", "Arras", "62000")]


@pytest.fixture
def sample(tmp_path):
    return write_sample(
        tmp_path, SOMME + ELSEWHERE, establishments=2000, ess_share=0.2, per_unit=2, seed=3
    )


def expected_matches(units_path, est_path, communes, naf=()):
    """The same filter written the plain way (csv.DictReader over everything): the oracle."""
    with open(units_path, encoding="utf-8") as f:
        ess = {
            r["siren"]
            for r in csv.DictReader(f)
            if r["economieSocialeSolidaireUniteLegale"] == "O"
            and r["etatAdministratifUniteLegale"] == "A"
        }
    with open(est_path, encoding="utf-8") as f:
        return {
            r["siret"]
            for r in csv.DictReader(f)
            if r["siren"] in ess
            and r["codeCommuneEtablissement"] in communes
            and r["etatAdministratifEtablissement"] == "A"
            and (not naf or r["activitePrincipaleEtablissement"].startswith(naf))
        }


def test_reading_filters_like_the_plain_way(sample):
    units_path, est_path = sample
    communes = {c for c, _n, _p in SOMME}
    units = read_ess_units(units_path)
    stats = {}
    found = {r["siret"] for r in read_establishments(est_path, units, communes, stats=stats)}
    assert stats["rows"] == 2000
    assert found == expected_matches(units_path, est_path, communes)
    assert 30 < len(found) < 300
    with_naf = {r["siret"] for r in read_establishments(est_path, units, communes, ("38", "88"))}
    assert with_naf == expected_matches(units_path, est_path, communes, ("38", "88"))
    assert with_naf < found


def test_a_zipped_stock_file_is_read_as_it_is(sample, tmp_path):
    units_path, est_path = sample
    archive = tmp_path / "StockEtablissement_utf8.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(est_path, "StockEtablissement_utf8.csv")
    units = read_ess_units(units_path)
    plain = list(read_establishments(est_path, units, {"80016"}))
    zipped = list(read_establishments(archive, units, {"80016"}))
    assert plain == zipped and plain


def test_missing_columns_are_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("siren,nic\n123456789,00012\n", encoding="utf-8")
    with pytest.raises(SireneFileError, match="codeCommuneEtablissement"):
        list(read_establishments(bad, set(), set()))


def checked(units_path, est_path, territory="dep-80"):
    """A job as the staff page starts it, checked as the worker checks it."""
    job = start_sirene_import(units_path, est_path, territory)
    assert job.status == ImportJob.Status.CHECKING  # never read while the page waits
    return engine.check_job(job.pk)


def run(job):
    engine.confirm(job)
    return engine.run_job(job.pk)


@pytest.mark.django_db
def test_import_merges_without_duplicates_and_twice_adds_nothing(
    hauts_de_france, sample, run_on_commit
):
    units_path, est_path = sample
    expected = expected_matches(units_path, est_path, communes_of("dep-80"))
    first_siret = sorted(expected)[0]
    # One establishment is already in the contacts base (same SIRET, typed by staff)…
    known = directory.create_organisation(
        {"name": "Notre ressourcerie", "siret": first_siret, "commune": "80016"}
    )
    job = checked(units_path, est_path)
    assert job.status == ImportJob.Status.CHECKED, job.message
    assert job.counts["rows_read"] == 2000
    assert job.counts["matched"] == len(expected)
    units = {siret[:9] for siret in expected}
    assert job.total == len(units)  # one row per legal unit
    updates = [row for row in job.preview if row["action"] == "update"]
    assert [row["target_name"] for row in updates] == ["Notre ressourcerie"]
    assert Organisation.objects.count() == 1  # the check writes nothing
    job = run(job)
    assert job.status == ImportJob.Status.DONE, job.message
    run_counts = job.counts["run"]
    assert sum(run_counts.values()) == len(units)
    imported = Organisation.objects.exclude(pk=known.pk)
    # One organisation per legal unit: each ESS unit of the Somme once, none twice.
    sirens = [s[:9] for s in Organisation.objects.values_list("siret", flat=True)]
    assert sorted(sirens) == sorted(units)
    assert Organisation.objects.filter(siret=first_siret).count() == 1
    known.refresh_from_db()
    assert known.name == "Notre ressourcerie"  # staff's name kept
    assert known.address  # an empty field filled from Sirene
    assert imported.filter(status=Organisation.Status.PROPOSED).count() == run_counts["created"]
    new = imported.first()
    assert new.revisions.get().source == OrganisationRevision.Source.IMPORT
    assert SupplierProfile.objects.get(organisation=new).is_ess
    assert SupplierProfile.objects.get(organisation=new).naf_code
    count = Organisation.objects.count()
    again = checked(units_path, est_path)
    assert again.counts["check"] == {"update": len(units)}
    again = run(again)
    assert again.status == ImportJob.Status.DONE
    assert Organisation.objects.count() == count
    assert again.counts["run"].get("created", 0) == 0


@pytest.mark.django_db
def test_a_bad_file_fails_clearly_and_imports_nothing(hauts_de_france, tmp_path, sample):
    units_path, _est = sample
    bad = tmp_path / "bad.csv"
    bad.write_text("siren,nic\n", encoding="utf-8")
    job = checked(units_path, bad)
    assert job.status == ImportJob.Status.FAILED
    assert "codeCommuneEtablissement" in job.message
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_imported(hauts_de_france, sample):
    units_path, est_path = sample
    target = sorted(expected_matches(units_path, est_path, communes_of("dep-80")))[0]
    lines = Path(est_path).read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines, start=1) if f",{target}," in line)
    lines[number - 1] = lines[number - 1].replace(f",{target},", f",{target[:13]},")
    Path(est_path).write_text("".join(lines), encoding="utf-8")
    job = checked(units_path, est_path)
    assert job.status == ImportJob.Status.CHECKED and not job.can_confirm
    assert [error["line"] for error in job.errors] == [number]
    assert target[:13] in job.errors[0]["messages"][0]
    with pytest.raises(ValidationError):
        engine.confirm(job)
    assert Organisation.objects.count() == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_import_runs_in_a_real_worker_with_progress(
    celery_worker_process, hauts_de_france, sample, make_user, client
):
    from django.urls import reverse

    from tisser.observatory.forms import sirene_folder

    units_path, est_path = sample
    editor = make_user("editeur@example.org", staff_role="editor")
    client.force_login(editor)
    with open(units_path, "rb") as units, open(est_path, "rb") as ests:
        response = client.post(
            reverse("observatory:staff_sirene"),
            {
                "units_upload": units,
                "establishments_upload": ests,
                "territory": "dep-80",
                "naf": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get()
    assert response.url == reverse("core:import_detail", args=[job.pk])
    assert str(sirene_folder()) in job.options["units_path"]

    def wait(job):
        deadline = time.monotonic() + 60
        while job.in_progress and time.monotonic() < deadline:
            time.sleep(0.3)
            job.refresh_from_db()
        return job

    job = wait(job)
    log = celery_worker_process.log_path.read_text()
    assert job.status == ImportJob.Status.CHECKED, job.message + log
    client.post(reverse("core:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    job = wait(job)
    assert job.status == ImportJob.Status.DONE, job.message + log
    page = client.get(reverse("core:import_detail", args=[job.pk])).content.decode()
    created = job.counts["run"]["created"]
    assert Organisation.objects.count() == created > 0
    assert f"{created} " in page


@pytest.mark.django_db
def test_a_failure_while_merging_leaves_nothing_behind_and_a_restart_ends_it(
    hauts_de_france, sample, monkeypatch
):
    from tisser.observatory.sirene import running

    calls = []
    real = running.merge_row

    def failing(row, unit, **kwargs):
        calls.append(row["siret"])
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(row, unit, **kwargs)

    monkeypatch.setattr(running, "merge_row", failing)
    units_path, est_path = sample
    job = run(checked(units_path, est_path))
    assert job.status == ImportJob.Status.INTERRUPTED and len(calls) == 3
    assert Organisation.objects.count() == 0 and SupplierProfile.objects.count() == 0
    engine.restart(job)
    job = engine.run_job(job.pk)
    assert job.status == ImportJob.Status.DONE
    assert Organisation.objects.count() == job.counts["run"]["created"] == job.total


@pytest.mark.django_db
def test_old_links_to_a_moved_job_lead_to_the_engine_page(
    hauts_de_france, sample, client, make_user
):
    from django.urls import reverse

    job = start_sirene_import(*sample, "dep-80")
    ImportJob.objects.filter(pk=job.pk).update(options={**job.options, "legacy_id": 3})
    client.force_login(make_user("e@example.org", staff_role="editor"))
    response = client.get(reverse("observatory:staff_sirene_detail", args=[3]))
    assert response.status_code == 302
    assert response.url == reverse("core:import_detail", args=[job.pk])


@pytest.mark.django_db
def test_the_command_imports_with_a_naf_filter(hauts_de_france, sample):
    from django.core.management import call_command

    units_path, est_path = sample
    out = io.StringIO()
    call_command(
        "import_sirene", str(units_path), str(est_path), territory="dep-80", naf="38", stdout=out
    )
    assert "'created'" in out.getvalue()
    nafs = set(SupplierProfile.objects.values_list("naf_code", flat=True))
    assert nafs and all(n.startswith("38") for n in nafs)
    assert Organisation.objects.filter(status=Organisation.Status.PROPOSED).count() == len(
        SupplierProfile.objects.all()
    )


@pytest.mark.django_db
def test_reading_the_stock_files_keeps_the_job_alive(hauts_de_france, sample, monkeypatch):
    """Reading all France takes minutes before the first batch: the reader's progress
    beats the job's heart, so it is not shown interrupted meanwhile."""
    import datetime

    from django.utils import timezone

    from tisser.observatory.sirene import running

    job = start_sirene_import(*sample, "dep-80")
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    beats = []
    real = running.read_ess_units

    def reading(path, progress=None):
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)
        progress(200_000)  # as the reader does every 200,000 lines
        beats.append(ImportJob.objects.get(pk=job.pk).heartbeat_at)
        return real(path, progress=progress)

    monkeypatch.setattr(running, "read_ess_units", reading)
    job = engine.check_job(job.pk)
    assert job.status == ImportJob.Status.CHECKED
    assert beats and beats[0] > long_ago
