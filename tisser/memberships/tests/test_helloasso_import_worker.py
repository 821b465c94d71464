"""A HelloAsso import commits in a real worker process, with progress the page can poll."""

import re
import time

import pytest
from django.urls import reverse

from tisser.core.imports import engine
from tisser.core.imports.models import ImportJob
from tisser.memberships.helloasso import csv_import
from tisser.memberships.models import Membership, Payment

from .test_helloasso_import import GOOD, export

ROWS = 300


def rows(n):
    template = GOOD[0]
    return [
        template.replace("8801;", f"{9000 + i};")
        .replace("camille@", f"c{i}@")
        .replace("Les Anges Gardins", f"Structure {i}")
        for i in range(n)
    ]


def wait_for(job, client, url, seen, deadline):
    while True:
        job.refresh_from_db()
        body = client.get(url).content.decode()
        match = re.search(r'<progress max="(\d+)" value="(\d+)"', body)
        if match:
            seen.append((job.status, int(match[2])))
        if job.finished or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_commits_the_import_with_progress(celery_worker_process, client, role_users):
    client.force_login(role_users["editor"])
    job = csv_import.start_import("gros-export.csv", export(*rows(ROWS)))
    assert job.status == "checked" and job.counts["check"] == {"create": ROWS}
    response = client.post(reverse("core:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    url = reverse("core:import_progress", args=[job.pk])
    seen = []
    body = wait_for(job, client, url, seen, time.monotonic() + 120)
    log = celery_worker_process.log_path.read_text(errors="replace")
    assert job.status == ImportJob.Status.DONE, f"{job.status} {job.message}\n{log}"
    assert job.done == ROWS and job.counts["run"]["created"] == ROWS
    assert Membership.objects.count() == ROWS and Payment.objects.count() == ROWS
    # the page followed the run: rows done went up while it ran, and it ends with the report
    running = [done for status, done in seen if status == "running"]
    assert any(0 < done < ROWS for done in running), seen
    assert [d for _s, d in seen] == sorted(d for _s, d in seen), seen
    assert str(ROWS) in body and "hx-get" not in body


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_in_the_worker_a_bad_row_commits_nothing(celery_worker_process):
    """The preview was good, but the worker finds a bad row (the job's file altered
    after the check): it refuses the whole file and records nothing."""
    job = csv_import.start_import("x.csv", export(*rows(20)))
    assert job.can_confirm
    # The file now held by the job gets a bad row 12 (as if the preview were stale).
    raw = export(*rows(20)).decode("utf-8").split("\r\n")
    raw[11] = raw[11].replace("50,00", "cinquante")
    engine.replace_file(job, "\r\n".join(raw).encode("utf-8"))
    csv_import.confirm_import(job)
    deadline = time.monotonic() + 90
    while not job.finished and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    log = celery_worker_process.log_path.read_text(errors="replace")
    assert job.status == ImportJob.Status.FAILED, f"{job.status}\n{log}"
    assert "12" in job.message and "cinquante" in job.message
    assert not Membership.objects.exists() and not Payment.objects.exists()
