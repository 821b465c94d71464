"""Imports of HelloAsso CSV exports: preview, bad rows with their line numbers, all or
nothing, and no duplicate with what the webhook already recorded."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tisser.directory.models import Organisation
from tisser.memberships.helloasso import csv_import, importing
from tisser.memberships.models import Membership, Payment, PaymentImport

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


def test_a_good_export_is_previewed_then_recorded():
    raw = export(*GOOD)
    report = csv_import.check(raw)
    assert report.ok and [r.line for r in report.to_record] == [2, 3]
    assert report.rows[2].skipped  # refunded: not a payment, not an error
    assert not Membership.objects.exists()  # checking writes nothing
    result = csv_import.commit(raw)
    assert result == {"created": 2, "existing": 0, "skipped": 1, "refunded": 0}
    assert sorted(Organisation.objects.values_list("name", flat=True)) == [
        "APRR - Aide pour la Réinsertion",
        "Les Anges Gardins",
    ]
    assert set(Membership.objects.values_list("status", "year__year", "source")) == {
        ("validated", 2026, "import")
    }
    assert Payment.objects.get(reference="helloasso-order:8802").amount == Decimal("120.00")
    # the same file again: nothing new
    assert csv_import.commit(raw) == {"created": 0, "existing": 2, "skipped": 1, "refunded": 0}
    assert Membership.objects.count() == 2


def test_bad_rows_are_reported_with_their_line_and_nothing_is_recorded():
    raw = export(
        GOOD[0],
        "8804;32/13/2026;Validé;Dupont;Ana;pas-un-email;Coop X;;Adhésion 2026;cinquante;59000;Lille;",
        "8805;15/01/2026;Validé;;;ok@example.org;;12345678901234;Adhésion 2026;50;59000;Lille;",
        GOOD[0].replace("camille@", "autre@"),  # same order as line 2
        "8806;15/01/2026;Bizarre;Dupont;Ana;ana@example.org;Coop Y;;Adhésion 2026;50;59000;Lille;",
    )
    report = csv_import.check(raw)
    assert not report.ok
    errors = {row.line: " ".join(row.errors) for row in report.bad_rows}
    assert set(errors) == {3, 4, 5, 6}
    assert "pas-un-email" in errors[3] and "cinquante" in errors[3] and "32/13/2026" in errors[3]
    assert "SIRET" in errors[4] and "name" in errors[4].lower() or "nom" in errors[4].lower()
    assert "2" in errors[5]
    assert "Bizarre" in errors[6]
    with pytest.raises(csv_import.ImportRefused):
        csv_import.commit(raw)
    assert not Membership.objects.exists() and not Organisation.objects.exists()


def test_missing_columns_are_named():
    report = csv_import.check(export(header="Nom;Prénom;Email"))
    assert not report.ok
    assert "Référence commande" in report.errors[0] and "Montant tarif" in report.errors[0]


def test_empty_file_and_cp1252_and_commas():
    assert csv_import.check(b"").errors
    header = HEADER.replace(";", ",")
    row = GOOD[0].replace(";", ",").replace("50,00", '"50,00"')
    raw = ("\r\n".join([header, row])).encode("cp1252")
    report = csv_import.check(raw)
    assert report.ok, [r.errors for r in report.rows]
    assert report.to_record[0].payment.organisation == "Les Anges Gardins"


def test_what_the_webhook_recorded_is_not_imported_twice(client, helloasso_secret):
    from .helloasso_fakes import notification, payment_data, signed

    body = notification("Payment", payment_data(order_id=8801))
    client.post("/webhooks/helloasso/", body, content_type="application/json", **signed(body))
    report = csv_import.check(export(GOOD[0]))
    assert report.rows[0].duplicate
    assert csv_import.commit(export(GOOD[0])) == {
        "created": 0,
        "existing": 1,
        "skipped": 0,
        "refunded": 0,
    }
    assert Payment.objects.count() == 1


def test_staff_import_page_preview_then_confirm_queues_the_commit(client, role_users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(role_users["editor"])
    url = reverse("memberships:staff_import")
    upload = SimpleUploadedFile("export-helloasso.csv", export(*GOOD), content_type="text/csv")
    response = client.post(url, {"file": upload})
    job = PaymentImport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "memberships:staff_import_detail", args=[job.pk]
    )
    assert job.status == "checked" and job.total == 3 and job.error_count == 0
    body = client.get(response.url).content.decode()
    assert "export-helloasso.csv" in body and "Les Anges Gardins" in body
    assert not Membership.objects.exists()
    confirm = reverse("memberships:staff_import_confirm", args=[job.pk])
    assert client.post(confirm).status_code == 302
    job.refresh_from_db()
    assert job.status == "queued" and job.total == 2
    assert not Membership.objects.exists()  # the commit runs in the worker, not here
    # a second confirmation (double click) queues nothing more
    client.post(confirm)
    importing.run_import(job.pk)  # what the worker does
    job.refresh_from_db()
    assert job.status == "done" and job.done == 2
    assert job.result == {"created": 2, "existing": 0, "skipped": 1, "refunded": 0}
    assert Membership.objects.count() == 2
    assert importing.run_import(job.pk) is None  # a re-delivered task does nothing
    fragment = client.get(reverse("memberships:staff_import_progress", args=[job.pk]))
    assert "2 payments recorded" in fragment.content.decode() or "2 paiements" in (
        fragment.content.decode()
    )


def test_staff_import_page_shows_bad_lines_and_offers_no_import(client, role_users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(role_users["editor"])
    bad = GOOD[1].replace("120,00", "-5")
    upload = SimpleUploadedFile("x.csv", export(GOOD[0], bad), content_type="text/csv")
    response = client.post(reverse("memberships:staff_import"), {"file": upload}, follow=True)
    body = response.content.decode()
    assert "Ligne 3" in body and "-5" in body
    assert "confirmer" not in body
    job = PaymentImport.objects.get()
    assert job.error_count == 1
    # confirming anyway (a forged post) queues and records nothing
    client.post(reverse("memberships:staff_import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "checked"
    assert not Membership.objects.exists()


def test_a_large_file_is_checked_in_the_worker(monkeypatch):
    monkeypatch.setattr(importing, "SYNC_CHECK_ROWS", 1)
    job = importing.start_import("big.csv", export(*GOOD))
    assert job.status == "checking" and not job.report
    job = importing.check_import(job.pk)  # what the worker does
    assert job.status == "checked" and job.total == 3 and job.report["actions"] == 2


def test_a_row_failing_at_commit_time_commits_nothing(monkeypatch):
    """The preview was good, but a row fails while recording: the whole job rolls back."""
    from tisser.memberships.helloasso import recording

    job = importing.start_import("x.csv", export(*GOOD))
    importing.confirm_import(job)
    real = recording.record
    calls = []

    def record(payment, **kwargs):
        calls.append(payment.order_id)
        if payment.order_id == "8802":
            from django.core.exceptions import ValidationError

            raise ValidationError("refused on purpose")
        return real(payment, **kwargs)

    monkeypatch.setattr(recording, "record", record)
    job = importing.run_import(job.pk)
    assert calls == ["8801", "8802"]  # the first row was written, then rolled back
    assert job.status == "failed" and "3" in job.message and "refused on purpose" in job.message
    assert not Membership.objects.exists() and not Payment.objects.exists()
    assert not Organisation.objects.exists()


def test_an_export_saying_a_recorded_payment_was_refunded_refunds_it():
    csv_import.commit(export(GOOD[0]))
    refunded = GOOD[0].replace(";Validé;", ";Remboursé;")
    report = csv_import.check(export(refunded))
    assert report.ok and report.rows[0].refund is not None and "remboursé" in report.rows[0].skipped
    assert csv_import.commit(export(refunded))["refunded"] == 1
    assert Membership.objects.get().status == "cancelled"
    assert Payment.objects.get().refunded_on is not None
    # the same export again: nothing more to do
    assert not csv_import.check(export(refunded)).ok
