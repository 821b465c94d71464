"""Signup with double opt-in (real SMTP), consent records, preferences, a signup flood,
and the import of Brevo and Mailchimp exports (preview, line numbers, all or nothing)."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse

from tisser.directory.models import Consent, Person
from tisser.publications import imports
from tisser.publications import services_subscribers as subscribers
from tisser.publications.models import Subscription, Suppression


def link_in(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://\S+", body).group(0).replace("http://127.0.0.1:8000", "")


def test_double_opt_in_then_consent_with_its_wording(
    client, infolettre, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("publications:signup"),
            {
                "email": "Lea@Exemple.fr",
                "first_name": "Léa",
                "lists": [infolettre.pk],
                "agree": "on",
            },
        )
    assert response.status_code == 200
    person = Person.objects.get(email="lea@exemple.fr")
    subscription = Subscription.objects.get(person=person)
    assert subscription.status == Subscription.Status.PENDING
    assert not person.consents.exists()  # nothing before the link is followed
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["Subject"] == "Confirmez votre abonnement"
    page = client.get(link_in(smtp_server.messages[0]))
    assert page.status_code == 200 and "Abonnement confirmé" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    consent = subscription.consent
    assert consent.method == Consent.Method.WEB_FORM and consent.purpose == "newsletter"
    assert consent.wording == infolettre.consent_wording and consent.at is not None


def test_signup_form_keeps_what_was_typed_and_explains(client, infolettre):
    response = client.post(
        reverse("publications:signup"), {"email": "pas-une-adresse", "first_name": "Léa"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Léa"' in page and "Cochez la case" in page
    assert not Person.objects.exists()


def test_signup_twice_is_one_person(client, infolettre, db):
    for _ in range(2):
        subscribers.request_subscription(email="lea@exemple.fr", lists=[infolettre])
    assert Person.objects.filter(email="lea@exemple.fr").count() == 1
    assert Subscription.objects.count() == 1


def test_signup_flood_is_stopped(client, infolettre, db):
    for n in range(subscribers.SIGNUPS_PER_HOUR):
        subscribers.request_subscription(
            email=f"p{n}@exemple.fr", lists=[infolettre], client_hash="h"
        )
    with pytest.raises(subscribers.SignupRefused):
        subscribers.request_subscription(
            email="last@exemple.fr", lists=[infolettre], client_hash="h"
        )
    assert not Person.objects.filter(email="last@exemple.fr").exists()


def test_a_suppressed_address_gets_no_confirmation_email(
    infolettre, smtp_server, django_capture_on_commit_callbacks
):
    subscribers.suppress("banni@exemple.fr", reason=Suppression.Reason.HARD_BOUNCE)
    with django_capture_on_commit_callbacks(execute=True):
        subscribers.request_subscription(email="banni@exemple.fr", lists=[infolettre])
    assert smtp_server.messages == []


def test_forged_and_expired_confirmation_links(client, infolettre, db):
    from tisser.publications import tokens

    subscribers.request_subscription(email="lea@exemple.fr", lists=[infolettre])
    token = tokens.confirm_token(list(Subscription.objects.values_list("pk", flat=True)))
    forged = client.get(reverse("publications:confirm", kwargs={"token": token + "x"}))
    assert forged.status_code == 400 and "pas valide" in forged.content.decode()
    signer = signing.TimestampSigner(salt=tokens.CONFIRM_SALT)
    old = signing.dumps([1], salt=tokens.CONFIRM_SALT)
    import time
    from unittest import mock

    with mock.patch.object(time, "time", return_value=time.time() + tokens.CONFIRM_MAX_AGE + 60):
        expired = client.get(reverse("publications:confirm", kwargs={"token": old}))
    assert expired.status_code == 400 and "expiré" in expired.content.decode()
    assert signer  # the salt is the one the tokens use
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_preferences_page_unsubscribes_and_suppresses(client, infolettre, db):
    from tisser.publications import tokens

    from .conftest import make_subscribers

    person = make_subscribers(infolettre, 1)[0]
    url = reverse("publications:preferences", kwargs={"token": tokens.preferences_token(person.pk)})
    assert client.get(url).status_code == 200
    client.post(url, {"lists": [], "nothing": "on"})
    assert Subscription.objects.get(person=person).status == Subscription.Status.UNSUBSCRIBED
    assert Suppression.objects.filter(email=person.email).exists()


BREVO = (
    "EMAIL;NOM;PRENOM;DOUBLE_OPT-IN;ADDED_TIME\n"
    "lea@exemple.fr;Martin;Léa;Yes;2025-03-02 10:15:00\n"
    "marc@exemple.fr;Durand;Marc;Yes;2024-11-20 08:00:00\n"
)
MAILCHIMP = (
    "Email Address,First Name,Last Name,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP\n"
    "sam@exemple.fr,Sam,Petit,2023-01-05 09:00:00,203.0.113.4,2023-01-05 09:05:00,203.0.113.4\n"
)


def _import(content: bytes, mailing_list, capture) -> dict:
    """Upload, confirm, and follow the job to its end (tasks are eager in these tests)."""
    job = imports.start_import("export.csv", content, mailing_list)
    with capture(execute=True):
        imports.confirm_import(job)
    job.refresh_from_db()
    assert job.status == "done", job.message
    counts = job.counts["run"]
    return {
        "created": counts["created"],
        "kept": counts["kept"],
        "suppressed": counts["suppressed"],
    }


def test_brevo_import_keeps_the_consent_origin(infolettre, db, django_capture_on_commit_callbacks):
    preview = imports.start_import("export.csv", BREVO.encode(), infolettre)
    assert not preview.errors and preview.counts["check"] == {"create": 2}
    preview.delete()
    result = _import(BREVO.encode(), infolettre, django_capture_on_commit_callbacks)
    assert result == {"created": 2, "kept": 0, "suppressed": 0}
    subscription = Subscription.objects.get(person__email="lea@exemple.fr")
    assert subscription.origin == Subscription.Origin.BREVO
    assert "DOUBLE_OPT-IN=Yes" in subscription.origin_detail
    consent = subscription.consent
    assert consent.method == Consent.Method.IMPORT and consent.source.startswith("brevo export")
    assert consent.at.year == 2025 and consent.at.month == 3


def test_mailchimp_import_uses_the_confirmation_time(
    infolettre, db, django_capture_on_commit_callbacks
):
    Person.objects.create(email="sam@exemple.fr", first_name="Samuel")
    _import(MAILCHIMP.encode(), infolettre, django_capture_on_commit_callbacks)
    assert Person.objects.filter(email="sam@exemple.fr").count() == 1  # never a duplicate
    subscription = Subscription.objects.get(person__email="sam@exemple.fr")
    assert subscription.origin == Subscription.Origin.MAILCHIMP
    assert "OPTIN_IP=203.0.113.4" in subscription.origin_detail
    assert subscription.consent.at.minute == 5


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(infolettre, db):
    content = (BREVO + "pas-une-adresse;X;Y;Yes;\npostmaster@exemple.fr;;;Yes;\n").encode()
    job = imports.start_import("export.csv", content, infolettre)
    assert [e["line"] for e in job.errors] == [4, 5]
    assert "pas-une-adresse" in job.errors[0]["messages"][0]
    assert "générique" in job.errors[1]["messages"][0]
    with pytest.raises(ValidationError):
        imports.confirm_import(job)  # refused: nothing is queued
    job.refresh_from_db()
    assert job.status == "checked"
    assert not Subscription.objects.exists() and not Person.objects.exists()


def test_a_row_failing_at_commit_time_rolls_back_every_row(
    infolettre, db, django_capture_on_commit_callbacks
):
    """A batch is all or nothing: a row that turns out bad while committing undoes the rows
    of its batch before it."""
    from tisser.core.imports import engine

    job = imports.start_import("export.csv", BREVO.encode(), infolettre)
    assert not job.errors
    # The third row is bad by the time the worker writes it (the file is kept on the job).
    engine.replace_file(job, (BREVO + "pas-une-adresse;X;Y;Yes;\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        imports.confirm_import(job)
    job.refresh_from_db()
    assert job.status == "failed" and job.done == 0
    assert "4" in job.message and "pas-une-adresse" in job.message
    assert not Subscription.objects.exists() and not Person.objects.exists()
    assert not Consent.objects.exists()


def test_no_import_overrides_the_suppression_list_or_an_unsubscribe(
    infolettre, db, django_capture_on_commit_callbacks
):
    subscribers.suppress("lea@exemple.fr", reason=Suppression.Reason.COMPLAINT)
    person = Person.objects.create(email="marc@exemple.fr")
    Subscription.objects.create(
        person=person, mailing_list=infolettre, status="unsubscribed", origin="form"
    )
    result = _import(BREVO.encode(), infolettre, django_capture_on_commit_callbacks)
    assert result == {"created": 0, "kept": 1, "suppressed": 1}
    assert not Subscription.objects.filter(person__email="lea@exemple.fr").exists()
    assert Subscription.objects.get(person=person).status == "unsubscribed"


def test_import_pages_preview_then_commit(
    client, role_users, infolettre, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(role_users["editor"])
    url = reverse("publications:subscriber_import")
    upload = SimpleUploadedFile("export.csv", BREVO.encode(), content_type="text/csv")
    sent = client.post(url, {"mailing_list": infolettre.pk, "file": upload})
    assert sent.status_code == 302
    page = client.get(sent["Location"])
    assert page.status_code == 200 and "lea@exemple.fr" in page.content.decode()
    assert not Subscription.objects.exists()  # a preview only
    confirm = re.search(r'action="([^"]+/confirmer/)"', page.content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(confirm)
    assert done.status_code == 302
    assert Subscription.objects.filter(status="active").count() == 2
    report = client.get(done["Location"]).content.decode()
    assert "2 abonnements ajoutés" in report
    progress = client.get(done["Location"] + "progression/")
    assert 'value="2"' in progress.content.decode()  # the bar: 2 rows of 2


def test_import_page_shows_each_bad_row_with_its_line(client, role_users, infolettre):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(role_users["editor"])
    content = (BREVO + "pas-une-adresse;X;Y;Yes;\n").encode()
    upload = SimpleUploadedFile("export.csv", content, content_type="text/csv")
    sent = client.post(
        reverse("publications:subscriber_import"), {"mailing_list": infolettre.pk, "file": upload}
    )
    page = client.get(sent["Location"]).content.decode()
    assert "Ligne 4" in page and "pas-une-adresse" in page
    assert "/confirmer/" not in page  # nothing to confirm while a row is bad


ROWS = 3000  # beyond the size checked while the upload is answered


def test_a_big_file_is_checked_by_the_task_and_reports_its_bad_line(
    infolettre, db, django_capture_on_commit_callbacks
):
    lines = [f"abonne{n}@exemple.fr;Nom;Prénom;Yes;" for n in range(ROWS + 10)]
    lines[300] = "pas-une-adresse;Nom;Prénom;Yes;"  # line 302 of the file (after the header)
    content = ("EMAIL;NOM;PRENOM;DOUBLE_OPT-IN;ADDED_TIME\n" + "\n".join(lines) + "\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.start_import("export.csv", content, infolettre)
        assert job.status == "checking"  # the upload is answered before the check
    job.refresh_from_db()
    assert job.status == "checked"
    assert [e["line"] for e in job.errors] == [302]
    assert "pas-une-adresse" in job.errors[0]["messages"][0]
    assert job.total == ROWS + 10  # every row read, the bad one included
    with pytest.raises(ValidationError):
        imports.confirm_import(job)
    assert not Subscription.objects.exists()
