"""A large subscriber import is checked and committed by a real worker process, and the
progress endpoint the page polls reports the rows done."""

import re
import time

import pytest
from django.urls import reverse

from tisser.core.imports.models import ImportJob
from tisser.publications import imports
from tisser.publications.models import Subscription

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROWS = 10000  # large (beyond 64 KB): checked in the worker, committed in several batches


def _wait(job, statuses, log, timeout=120):
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        job.refresh_from_db()
        if job.status in statuses or time.monotonic() > deadline:
            return seen
        seen.append((job.status, job.done))
        time.sleep(0.1)


def test_a_big_import_runs_in_a_real_worker_with_progress(
    celery_worker_process, client, role_users, infolettre, settings
):
    lines = ["EMAIL;NOM;PRENOM;DOUBLE_OPT-IN;ADDED_TIME"]
    lines += [f"abonne{n}@exemple.fr;Nom{n};Prénom;Yes;2025-03-02 10:15:00" for n in range(ROWS)]
    content = ("\n".join(lines) + "\n").encode()
    log = celery_worker_process.log_path

    client.force_login(role_users["editor"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("export.csv", content, content_type="text/csv")
    sent = client.post(
        reverse("publications:subscriber_import"), {"mailing_list": infolettre.pk, "file": upload}
    )
    assert sent.status_code == 302
    job = ImportJob.objects.get()
    # The upload was answered before the check: the worker checks a large file.
    waiting = client.get(sent["Location"]).content.decode()
    if job.status == ImportJob.Status.CHECKING:
        assert "hx-get" in waiting and "progression/" in waiting
    _wait(job, {"checked", "failed"}, log)
    assert job.status == "checked", log.read_text(errors="replace")
    assert (job.total, job.errors) == (ROWS, [])
    assert not Subscription.objects.exists()

    imports.confirm_import(job)  # autocommit: the task is sent as soon as this commits
    progress_url = reverse("core:import_progress", kwargs={"pk": job.pk})
    reported = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        fragment = client.get(progress_url, HTTP_HX_REQUEST="true")
        match = re.search(r'<progress max="(\d+)" value="(\d+)"', fragment.content.decode())
        if match:
            reported.append(int(match.group(2)))
            assert int(match.group(1)) == ROWS
        job.refresh_from_db()
        if job.finished:
            # It may have finished after that fragment was drawn: the next one tells the
            # page to show the report.
            after = client.get(progress_url, HTTP_HX_REQUEST="true")
            assert after["HX-Refresh"] == "true"
            break
        time.sleep(0.05)
    assert job.status == "done", f"{job.message}\n{log.read_text(errors='replace')}"
    assert (job.counts["run"]["created"], job.done) == (ROWS, ROWS)
    assert Subscription.objects.filter(mailing_list=infolettre, status="active").count() == ROWS
    # While it ran, the page saw rows done part-way (each batch commits its progress).
    assert any(0 < n < ROWS for n in reported), reported
    final = client.get(progress_url).content.decode()
    assert f'value="{ROWS}"' in final
