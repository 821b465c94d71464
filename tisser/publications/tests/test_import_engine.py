"""The core import engine, driven through the subscriber import: batches committed with
their progress, a worker that died shown as interrupted and restarted where it stopped,
every row committed exactly once, cancel, retention, and bad files said, never a 500."""

import datetime as dt
import os
import signal
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tisser.core.imports import engine
from tisser.core.imports.models import ImportChunk, ImportJob
from tisser.core.tasks import purge_imports
from tisser.directory.models import Consent, Person
from tisser.publications import imports
from tisser.publications.models import Subscription

HEADER = "EMAIL;NOM;PRENOM;DOUBLE_OPT-IN;ADDED_TIME"


def export(count: int, start: int = 0) -> bytes:
    lines = [HEADER]
    lines += [f"abonne{n}@exemple.fr;Nom{n};Prénom;Yes;2025-03-02 10:15:00" for n in range(start, start + count)]  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


def test_a_run_is_committed_batch_by_batch_with_its_progress(
    infolettre, db, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports.SubscriberImporter, "batch_size", 10)
    job = imports.start_import("export.csv", export(35), infolettre)
    seen = []
    real = imports.SubscriberImporter.write_batch

    def spy(self, job_, rows, results, state):
        # Inside a batch's transaction, the job's progress is the previous batches'.
        seen.append(ImportJob.objects.get(pk=job_.pk).done)
        return real(self, job_, rows, results, state)

    monkeypatch.setattr(imports.SubscriberImporter, "write_batch", spy)
    with django_capture_on_commit_callbacks(execute=True):
        engine.confirm(job)
    job.refresh_from_db()
    assert seen == [0, 10, 20, 30]
    assert (job.status, job.done, job.line_reached) == ("done", 35, 36)
    assert job.counts["run"]["created"] == 35 and Subscription.objects.count() == 35


def test_a_restart_resumes_after_the_last_committed_batch_exactly_once(
    infolettre, db, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports.SubscriberImporter, "batch_size", 10)
    job = imports.start_import("export.csv", export(35), infolettre)
    real = imports.SubscriberImporter.write_batch
    calls = {"n": 0}

    def dying(self, job_, rows, results, state):
        calls["n"] += 1
        if calls["n"] == 3:
            real(self, job_, rows, results, state)  # written, then the worker "dies"…
            raise SystemError("worker lost")  # …before its batch commits
        return real(self, job_, rows, results, state)

    monkeypatch.setattr(imports.SubscriberImporter, "write_batch", dying)
    with django_capture_on_commit_callbacks(execute=True):
        engine.confirm(job)
    job.refresh_from_db()
    assert job.status == "interrupted" and job.can_restart
    assert (job.done, job.line_reached) == (20, 21)
    assert Subscription.objects.count() == 20 == Consent.objects.count()

    monkeypatch.setattr(imports.SubscriberImporter, "write_batch", real)
    with django_capture_on_commit_callbacks(execute=True):
        engine.restart(job)
    job.refresh_from_db()
    assert (job.status, job.done) == ("done", 35)
    assert job.counts["run"]["created"] == 35
    # Every row exactly once: no second consent, no twin person.
    assert Subscription.objects.count() == Consent.objects.count() == Person.objects.count() == 35


def test_a_worker_thought_dead_cannot_commit_after_a_restart(
    infolettre, db, monkeypatch, django_capture_on_commit_callbacks
):
    """Only the latest claim of a run may commit: a slow worker that was marked
    interrupted, while staff restarted the job elsewhere, has its batch refused."""
    from django.db.models import F

    job = imports.start_import("export.csv", export(5), infolettre)
    real = imports.SubscriberImporter.write_batch

    def overtaken(self, job_, rows, results, state):
        counts = real(self, job_, rows, results, state)
        ImportJob.objects.filter(pk=job_.pk).update(attempt=F("attempt") + 1)  # a new claim
        return counts

    monkeypatch.setattr(imports.SubscriberImporter, "write_batch", overtaken)
    with django_capture_on_commit_callbacks(execute=True):
        engine.confirm(job)
    job.refresh_from_db()
    # (The other claim is simulated inside this batch's transaction, so it is rolled back
    # with it; what matters: this worker stopped and wrote nothing.)
    assert (job.status, job.done) == ("running", 0)
    assert not Subscription.objects.exists() and not Consent.objects.exists()


def test_a_silent_worker_is_shown_interrupted_and_staff_restart_it(
    client, role_users, infolettre, django_capture_on_commit_callbacks, settings
):
    job = imports.start_import("export.csv", export(3), infolettre)
    ImportJob.objects.filter(pk=job.pk).update(
        status="running",
        heartbeat_at=timezone.now()
        - dt.timedelta(seconds=settings.TISSER_IMPORT_STALE_SECONDS + 5),
    )
    client.force_login(role_users["editor"])
    page = client.get(reverse("core:import_detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == "interrupted"
    assert "Interrompu" in page and "/relancer/" in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("core:import_restart", args=[job.pk]))
    assert answer.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and Subscription.objects.count() == 3
    listing = client.get(reverse("core:import_list")).content.decode()
    assert "export.csv" in listing and "Terminé" in listing


def test_a_checked_job_can_be_cancelled_and_then_not_confirmed(infolettre, db):
    job = imports.start_import("export.csv", export(2), infolettre)
    engine.cancel(job)
    job.refresh_from_db()
    assert job.status == "cancelled" and job.finished
    with pytest.raises(ValidationError):
        engine.confirm(job)
    assert not Subscription.objects.exists()


def test_old_jobs_and_their_files_are_removed_after_the_retention(infolettre, db, settings):
    settings.TISSER_IMPORT_RETENTION_DAYS = 90
    old = imports.start_import("old.csv", export(2), infolettre)
    recent = imports.start_import("recent.csv", export(2), infolettre)
    ImportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=91), status="done"
    )
    assert purge_imports() == 1
    assert list(ImportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ImportChunk.objects.filter(job_id=old.pk).exists()


def test_the_file_is_stored_in_chunks_and_read_back(infolettre, db, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_BYTES", 1000)
    monkeypatch.setattr(engine, "SYNC_CHECK_BYTES", 10**6)
    content = export(300)
    job = imports.start_import("export.csv", content, infolettre)
    assert job.chunks.count() == len(content) // 1000 + 1
    assert (job.total, job.error_count) == (300, 0)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("export.csv", b""),
        ("export.csv", b"\xff\xfe\x00\x00garbage\x00"),
        ("export.xlsx", b"PK\x03\x04 broken"),
        ("export.csv", b"NOM;PRENOM\nMartin;Lea\n"),
        ("export.csv", b'EMAIL;NOM\n"lea@exemple.fr;Martin\nmarc@exemple.fr;D\n'),
        ("export.odt", b"whatever"),
    ],
)
def test_bad_files_get_a_message_in_the_form_never_a_500(
    client, role_users, infolettre, name, data
):
    client.force_login(role_users["editor"])
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    answer = client.post(
        reverse("publications:subscriber_import"), {"mailing_list": infolettre.pk, "file": upload}
    )
    assert answer.status_code in {302, 400}
    if answer.status_code == 400:
        assert answer.context["form"].errors["file"]
    else:  # read, but each bad line is said with its number
        job = ImportJob.objects.get()
        assert job.error_count or job.status == "failed"
        assert client.get(answer["Location"]).status_code == 200


ROWS_KILLED = 20_000  # ten batches: the kill lands mid-run


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_then_restarted_commits_every_row_exactly_once(
    celery_worker_process, infolettre
):
    job = imports.start_import("export.csv", export(ROWS_KILLED), infolettre)
    log = celery_worker_process.log_path
    deadline = time.monotonic() + 300
    while job.status == "checking" and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.status == "checked", log.read_text(errors="replace")
    engine.confirm(job)
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.done > 0 or job.finished:
            break
        time.sleep(0.05)
    assert 0 < job.done < ROWS_KILLED, (job.status, job.done)
    os.kill(celery_worker_process.pid, signal.SIGKILL)  # mid-run, without a word
    celery_worker_process.wait(timeout=10)

    job.refresh_from_db()
    assert job.status == "running"
    # What the job says is committed, is: whole batches, nothing half-written.
    assert Subscription.objects.count() == job.done == Consent.objects.count()
    # No more heartbeat: the sweep (every minute in production) shows it interrupted.
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert engine.mark_interrupted() == 1
    job.refresh_from_db()
    assert job.status == "interrupted" and job.can_restart
    stopped_at = job.done

    celery_worker_process.start_another()
    engine.restart(job)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.2)
    assert job.status == "done", f"{job.message}\n{log.read_text(errors='replace')}"
    assert job.done == ROWS_KILLED and job.counts["run"]["created"] == ROWS_KILLED
    assert job.done > stopped_at
    assert Subscription.objects.count() == ROWS_KILLED
    assert Consent.objects.count() == ROWS_KILLED  # none written twice
    assert Person.objects.count() == ROWS_KILLED
