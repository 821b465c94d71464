"""Imports of HelloAsso CSV exports, on the core import engine: preview, bad rows with
their line numbers, all or nothing, restart, and no duplicate with what the webhook
already recorded."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tisser.core.imports import engine
from tisser.core.imports.models import ImportJob
from tisser.core.imports.reading import ImportFileError
from tisser.directory.models import Organisation
from tisser.memberships.helloasso import csv_import
from tisser.memberships.models import Membership, Payment

pytestmark = pytest.mark.django_db

HEADER = (
    "Référence commande;Date de la commande;Statut de la commande;Nom adhérent;"
    "Prénom adhérent;Email payeur;Raison sociale;SIRET;Tarif;Montant tarif;Code Postal;"
    "Ville;Moyen de paiement"
)
GOOD = [
    "8801;12/01/2026 10:40;Validé;Durand;Camille;camille@anges-gardins.example.org;"
    "Les Anges Gardins;;Adhésion structure 2026;50,00;59000;Lille;Carte bancaire",
    "8802;13/01/2026 09:12;Validé;Martin;Lou;lou@aprr.example.org;APRR - Aide pour la "
    "Réinsertion;;Adhésion structure 2026;120,00;62000;Arras;Carte bancaire",
    "8803;14/01/2026 18:03;Remboursé;Petit;Noé;noe@example.org;Ancienne Coop;;"
    "Adhésion structure 2026;50,00;59100;Roubaix;Carte bancaire",
]


def export(*rows, header=HEADER) -> bytes:
    return ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def check(raw: bytes, name: str = "export.csv") -> ImportJob:
    """What the upload does: the file stored and checked (nothing written)."""
    return csv_import.start_import(name, raw)


def commit(raw: bytes) -> ImportJob:
    """Check, confirm and run as the worker would; the finished job."""
    job = check(raw)
    csv_import.confirm_import(job)
    return engine.run_job(job.pk)


def actions(job: ImportJob) -> dict:
    return {row["line"]: row["action"] for row in job.preview}


def test_a_good_export_is_previewed_then_recorded():
    raw = export(*GOOD)
    job = check(raw)
    assert job.status == "checked" and job.can_confirm
    assert actions(job) == {2: "create", 3: "create", 4: "skip"}  # refunded: not a payment
    assert not Membership.objects.exists()  # checking writes nothing
    job = commit(raw)
    assert job.status == "done" and job.done == 3
    assert job.counts["run"] == {"created": 2, "existing": 0, "skipped": 1, "refunded": 0}
    assert sorted(Organisation.objects.values_list("name", flat=True)) == [
        "APRR - Aide pour la Réinsertion",
        "Les Anges Gardins",
    ]
    assert set(Membership.objects.values_list("status", "year__year", "source")) == {
        ("validated", 2026, "import")
    }
    assert Payment.objects.get(reference="helloasso-order:8802").amount == Decimal("120.00")
    # the same file again: nothing new
    again = commit(raw)
    assert again.counts["run"] == {"created": 0, "existing": 2, "skipped": 1, "refunded": 0}
    assert actions(again)[2] == "existing"
    assert Membership.objects.count() == 2


def test_bad_rows_are_reported_with_their_line_and_nothing_is_recorded():
    raw = export(
        GOOD[0],
        "8804;32/13/2026;Validé;Dupont;Ana;pas-un-email;Coop X;;Adhésion 2026;cinquante;59000;Lille;",
        "8805;15/01/2026;Validé;;;ok@example.org;;12345678901234;Adhésion 2026;50;59000;Lille;",
        GOOD[0].replace("camille@", "autre@"),  # same order as line 2
        "8806;15/01/2026;Bizarre;Dupont;Ana;ana@example.org;Coop Y;;Adhésion 2026;50;59000;Lille;",
    )
    job = check(raw)
    assert not job.can_confirm and job.error_count == 4
    errors = {error["line"]: " ".join(error["messages"]) for error in job.errors}
    assert set(errors) == {3, 4, 5, 6}
    assert "pas-un-email" in errors[3] and "cinquante" in errors[3] and "32/13/2026" in errors[3]
    assert "SIRET" in errors[4] and "name" in errors[4].lower() or "nom" in errors[4].lower()
    assert "2" in errors[5]
    assert "Bizarre" in errors[6]
    with pytest.raises(ValidationError):
        csv_import.confirm_import(job)
    assert engine.run_job(job.pk) is None  # never queued: a forged task does nothing
    assert not Membership.objects.exists() and not Organisation.objects.exists()


def test_missing_columns_are_named():
    with pytest.raises(ImportFileError) as refused:
        check(export(header="Nom;Prénom;Email"))
    assert "Référence commande" in str(refused.value) and "Montant tarif" in str(refused.value)
    assert not ImportJob.objects.exists()


def test_empty_file_and_cp1252_and_commas():
    with pytest.raises(ImportFileError):
        check(b"")
    header = HEADER.replace(";", ",")
    row = GOOD[0].replace(";", ",").replace("50,00", '"50,00"')
    raw = ("\r\n".join([header, row])).encode("cp1252")
    job = check(raw)
    assert job.can_confirm, job.errors
    assert job.preview[0]["label"] == "Les Anges Gardins"


def test_the_member_named_first_wins_over_the_payer():
    """An "Adhérents" export names both the member and the payer: the member is kept."""
    header = HEADER.replace("Email payeur", "Nom payeur;Email payeur")
    row = GOOD[0].replace(";camille@", ";Payeur;camille@").replace("Les Anges Gardins", "")
    job = check(export(row, header=header))
    assert job.can_confirm, job.errors
    assert job.preview[0]["label"] == "Durand"


def test_what_the_webhook_recorded_is_not_imported_twice(client, helloasso_secret):
    from .helloasso_fakes import notification, payment_data, signed

    body = notification("Payment", payment_data(order_id=8801))
    client.post("/webhooks/helloasso/", body, content_type="application/json", **signed(body))
    assert actions(check(export(GOOD[0]))) == {2: "existing"}
    job = commit(export(GOOD[0]))
    assert job.counts["run"] == {"created": 0, "existing": 1, "skipped": 0, "refunded": 0}
    assert Payment.objects.count() == 1


def test_staff_import_page_preview_then_confirm_queues_the_commit(client, role_users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(role_users["editor"])
    url = reverse("memberships:staff_import")
    upload = SimpleUploadedFile("export-helloasso.csv", export(*GOOD), content_type="text/csv")
    response = client.post(url, {"file": upload})
    job = ImportJob.objects.get()
    assert job.kind == csv_import.KIND
    assert response.status_code == 302 and response.url == reverse(
        "core:import_detail", args=[job.pk]
    )
    assert job.status == "checked" and job.total == 3 and job.error_count == 0
    body = client.get(response.url).content.decode()
    assert "export-helloasso.csv" in body and "Les Anges Gardins" in body
    assert not Membership.objects.exists()
    confirm = reverse("core:import_confirm", args=[job.pk])
    assert client.post(confirm).status_code == 302
    job.refresh_from_db()
    assert job.status == "queued"
    assert not Membership.objects.exists()  # the commit runs in the worker, not here
    # a second confirmation (double click) queues nothing more
    client.post(confirm)
    engine.run_job(job.pk)  # what the worker does
    job.refresh_from_db()
    assert job.status == "done" and job.done == 3
    assert job.counts["run"] == {"created": 2, "existing": 0, "skipped": 1, "refunded": 0}
    assert Membership.objects.count() == 2
    assert engine.run_job(job.pk) is None  # a re-delivered task does nothing
    fragment = client.get(reverse("core:import_progress", args=[job.pk]))
    assert "2 payments recorded" in fragment.content.decode() or "2 paiements" in (
        fragment.content.decode()
    )
    # the upload page lists the job, linked to the engine's page
    assert reverse("core:import_detail", args=[job.pk]) in client.get(url).content.decode()


def test_staff_import_page_shows_bad_lines_and_offers_no_import(client, role_users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(role_users["editor"])
    bad = GOOD[1].replace("120,00", "-5")
    upload = SimpleUploadedFile("x.csv", export(GOOD[0], bad), content_type="text/csv")
    response = client.post(reverse("memberships:staff_import"), {"file": upload}, follow=True)
    body = response.content.decode()
    assert "Ligne 3" in body and "-5" in body
    assert "confirmer" not in body
    assert "1 erreurs" not in body and "<li>Erreurs\u00a0: 1</li>" in body
    job = ImportJob.objects.get()
    assert job.error_count == 1
    # confirming anyway (a forged post) queues and records nothing
    client.post(reverse("core:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "checked"
    assert not Membership.objects.exists()


def test_a_file_that_is_not_an_export_is_refused_on_the_upload_page(client, role_users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(role_users["editor"])
    upload = SimpleUploadedFile("x.csv", export(header="Nom;Prénom;Email"))
    response = client.post(reverse("memberships:staff_import"), {"file": upload})
    assert response.status_code == 400 and "Référence commande" in response.content.decode()


def test_a_large_file_is_checked_in_the_worker(monkeypatch):
    monkeypatch.setattr(engine, "SYNC_CHECK_BYTES", 1)
    job = check(export(*GOOD), "big.csv")
    assert job.status == "checking" and not job.preview
    job = engine.check_job(job.pk)  # what the worker does
    assert job.status == "checked" and job.total == 3 and job.counts["check"]["create"] == 2


def test_a_row_failing_at_commit_time_commits_nothing(monkeypatch):
    """The preview was good, but a row fails while recording: the whole job rolls back."""
    from tisser.memberships.helloasso import recording

    job = check(export(*GOOD))
    csv_import.confirm_import(job)
    real = recording.record
    calls = []

    def record(payment, **kwargs):
        calls.append(payment.order_id)
        if payment.order_id == "8802":
            raise ValidationError("refused on purpose")
        return real(payment, **kwargs)

    monkeypatch.setattr(recording, "record", record)
    job = engine.run_job(job.pk)
    assert calls == ["8801", "8802"]  # the first row was written, then rolled back
    assert job.status == "failed" and "3" in job.message and "refused on purpose" in job.message
    assert job.done == 0
    assert not Membership.objects.exists() and not Payment.objects.exists()
    assert not Organisation.objects.exists()


def test_an_interrupted_import_is_restarted_and_records_each_payment_once(monkeypatch):
    """A worker dies mid-run (here: an unexpected error); staff restart; nothing twice."""
    from tisser.memberships.helloasso import recording

    job = check(export(*GOOD))
    csv_import.confirm_import(job)
    real = recording.record

    def dying(payment, **kwargs):
        if payment.order_id == "8802":
            raise RuntimeError("worker killed")
        return real(payment, **kwargs)

    monkeypatch.setattr(recording, "record", dying)
    job = engine.run_job(job.pk)
    assert job.status == "interrupted" and job.can_restart
    assert not Payment.objects.exists()  # the batch rolled back
    monkeypatch.setattr(recording, "record", real)
    engine.restart(job)
    job = engine.run_job(job.pk)
    assert job.status == "done"
    assert job.counts["run"] == {"created": 2, "existing": 0, "skipped": 1, "refunded": 0}
    assert Payment.objects.count() == 2 and Membership.objects.count() == 2


def test_an_export_saying_a_recorded_payment_was_refunded_refunds_it():
    commit(export(GOOD[0]))
    refunded = GOOD[0].replace(";Validé;", ";Remboursé;")
    job = check(export(refunded))
    assert actions(job) == {2: "refund"} and "remboursé" in job.preview[0]["note"]
    job = commit(export(refunded))
    assert job.counts["run"]["refunded"] == 1
    assert Membership.objects.get().status == "cancelled"
    assert Payment.objects.get().refunded_on is not None
    # the same export again: nothing more to do
    assert actions(check(export(refunded))) == {2: "skip"}


def test_old_links_to_a_moved_job_lead_to_the_engine_page(client, role_users):
    job = check(export(*GOOD))
    ImportJob.objects.filter(pk=job.pk).update(options={"legacy_id": 41})
    client.force_login(role_users["editor"])
    for name, step in [("detail", "detail"), ("progress", "progress")]:
        response = client.get(reverse(f"memberships:staff_import_{name}", args=[41]))
        assert response.status_code == 302
        assert response.url == reverse(f"core:import_{step}", args=[job.pk])
    response = client.post(reverse("memberships:staff_import_confirm", args=[41]))
    assert response.status_code == 307
    assert client.get(reverse("memberships:staff_import_detail", args=[40])).status_code == 404
    client.logout()
    response = client.get(reverse("memberships:staff_import_detail", args=[41]))
    assert response.status_code == 302
    assert not response.url.startswith(reverse("core:import_detail", args=[job.pk]))
