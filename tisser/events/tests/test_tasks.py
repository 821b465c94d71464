"""The periodic tasks are declared from tasks.py, as the worker's scheduler finds them."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_scheduler_gets_the_reminders_and_the_expiry_of_offered_places():
    script = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tisser.settings');"
        "from tisser.celery import app;"
        "app.loader.import_default_modules();"  # what the worker does on start
        "app.finalize(auto=True);"
        "print(sorted((k, v['task']) for k, v in app.conf.beat_schedule.items()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "('events: reminders', 'tisser.events.send_reminders')" in out
    assert "('events: expire offered places', 'tisser.events.expire_promotions')" in out
