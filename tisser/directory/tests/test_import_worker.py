"""The import commits in a real background worker process, not in the web request."""

import time

import pytest

from tisser.core.imports.models import ImportJob
from tisser.directory.imports import confirm_import, start_import
from tisser.directory.models import GeoPrecision, Organisation

ROWS = 120


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_commits_the_import_and_geocodes(celery_worker_process, communes, categories):
    lines = ["nom;commune;categories;contact_email"]
    lines += [
        f"Structure {n};{'Lille' if n % 2 else '59512'};alimentation;c{n}@ex.org"
        for n in range(ROWS)
    ]
    job = start_import("orgs.csv", ("\n".join(lines) + "\n").encode())
    assert job.error_count == 0
    confirm_import(job)  # autocommit: the task is sent as soon as this commits

    deadline = time.monotonic() + 90
    while True:
        job.refresh_from_db()
        if job.finished or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    log = celery_worker_process.log_path.read_text(errors="replace")
    assert job.status == ImportJob.Status.DONE, f"{job.status} {job.message}\n{log}"
    assert (job.counts["run"]["created"], job.done) == (ROWS, ROWS)
    assert Organisation.objects.count() == ROWS

    # The same worker then places every new organisation (offline: the commune centre).
    while (
        Organisation.objects.filter(latitude__isnull=True).exists() and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert not Organisation.objects.filter(latitude__isnull=True).exists(), log
    assert set(Organisation.objects.values_list("geo_precision", flat=True)) == {
        GeoPrecision.MUNICIPALITY
    }
