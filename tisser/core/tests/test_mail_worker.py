"""End to end: a web process queues an email, a real Celery worker sends it over SMTP.

Both run as separate processes sharing the default filesystem broker, as under `make run`.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

PRODUCER = textwrap.dedent(
    """
    import django
    django.setup()
    from django.db import transaction
    from tisser.core.mail import send_templated_mail

    with transaction.atomic():
        send_templated_mail(
            to=["worker@example.org"], subject="Envoyé par le travailleur",
            template="core/email/notice",
            context={"heading": "Bonjour", "lines": ["Ceci vient de la file de tâches."]},
            language="fr",
        )
    """
)


@pytest.mark.worker
def test_a_real_worker_sends_the_queued_email(smtp_server, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TISSER_", "DJANGO_")) and key not in {"DATABASE_URL", "BROKER_URL"}
    }
    env.update(
        PYTHONPATH=str(ROOT),  # scripts run from a temporary folder import this tree
        DJANGO_SETTINGS_MODULE="tisser.settings",
        TISSER_DATA_DIR=str(tmp_path / "data"),
        TISSER_EMAIL_HOST=smtp_server.host,
        TISSER_EMAIL_PORT=str(smtp_server.port),
        TISSER_DEFAULT_FROM_EMAIL="Réseau <reseau@example.org>",
    )
    script = tmp_path / "produce.py"
    script.write_text(PRODUCER)
    produced = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert produced.returncode == 0, produced.stderr
    assert smtp_server.messages == [], "the web process only queues"
    queued = list((tmp_path / "data" / "broker" / "in").iterdir())
    assert len(queued) == 1

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tisser",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not smtp_server.messages and time.monotonic() < deadline:
            if worker.poll() is not None:
                break
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert len(smtp_server.messages) == 1, output
    message = smtp_server.messages[0]
    assert message["Subject"] == "Envoyé par le travailleur"
    assert message["From"] == "Réseau <reseau@example.org>"
    assert "Ceci vient de la file de tâches." in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None
