"""The daily schedule: declared by the app's tasks.py, read by the worker's scheduler."""

import subprocess
import sys
from pathlib import Path

import pytest

from tisser.memberships import services
from tisser.memberships.tasks import refresh_member_flags

ROOT = Path(__file__).resolve().parents[3]


def test_the_scheduler_sees_the_daily_tasks():
    """As `celery worker --beat` starts: a fresh process, modules imported, app finalized."""
    code = (
        "import django; django.setup()\n"
        "from tisser.celery import app\n"
        "app.loader.import_default_modules(); app.finalize()\n"
        "s = app.conf.beat_schedule\n"
        "print(sorted((k, v['task'], v['schedule']) for k, v in s.items()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "tisser.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert (
        "('memberships.refresh_flags', 'tisser.memberships.tasks.refresh_member_flags', 86400)"
        in out
    )
    assert (
        "('memberships.reminders', 'tisser.memberships.tasks.send_renewal_reminders', 86400)" in out
    )


@pytest.mark.django_db
def test_refresh_task_clears_a_lapsed_flag(years, org):
    old, _ = services.request_membership(org, years["previous"])
    services.validate_membership(old)
    type(org).objects.filter(pk=org.pk).update(is_member=True)
    refresh_member_flags.delay()
    org.refresh_from_db()
    assert not org.is_member
