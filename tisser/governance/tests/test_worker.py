"""The convocation and the voting links are delivered by a real background worker process
(Celery, filesystem broker) to a real SMTP server, after the transaction commits."""

import datetime
import time

import pytest
from django.utils import timezone

from tisser.governance import services, services_ballot
from tisser.governance.models import Motion

from .conftest import bulk_members

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_a_worker_sends_the_convocation_and_the_links(smtp_for_worker, celery_worker_process):
    # Bulk rows: no membership emails of their own to share the broker with.
    bulk_members(3)
    assembly = services.create_assembly(
        title="AG 2026", starts_at=timezone.now() + datetime.timedelta(days=7)
    )
    assert services.convene(assembly) == 3

    def subjects(subject):
        return [m for m in smtp_for_worker.messages if m["Subject"] == subject]

    assert wait_for(lambda: len(subjects("Convocation\u00a0: AG 2026")) == 3), (
        celery_worker_process.log_path.read_text(errors="replace")
    )
    motion = services_ballot.add_motion(assembly, kind=Motion.Kind.RESOLUTION, title="Comptes")
    services_ballot.open_motion(motion)
    assert wait_for(lambda: len(subjects("Vote ouvert\u00a0: Comptes")) == 3)
    links = subjects("Vote ouvert\u00a0: Comptes")
    assert "/vote/" in links[0].get_body(preferencelist=("plain",)).get_content()
