"""Start the background worker and the web server together, for `make run`."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


class Command(BaseCommand):
    help = "Run the web server and a task-queue worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tisser",
                "--quiet",  # no start-up banner: the address and logins stay on screen
                "worker",
                "--loglevel",
                "WARNING",
                "--concurrency",
                "2",
                # The scheduler (reminders, scheduled publishing) runs inside this one worker;
                # at scale, run a single `celery -A tisser beat` apart (docs/admin/scaling.md).
                "--beat",
                "--schedule",
                str(settings.DATA_DIR / "celerybeat-schedule"),
            ],
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": os.environ.get(
                    "DJANGO_SETTINGS_MODULE", "tisser.settings"
                ),
            },
        )
        url = f"http://{host}:{port}"
        self.stdout.write(self.style.SUCCESS(_("Tisser is running at %(url)s") % {"url": url}))
        self.stdout.write(_("Map of actors: %(url)s/carte/") % {"url": url})
        self.stdout.write(
            _("Task-queue worker started (broker: %(broker)s)")
            % {"broker": settings.CELERY_BROKER_URL.split("@")[-1]}
        )
        # `kill` or a closed terminal must stop the worker too, as Ctrl-C does: without this,
        # SIGTERM ends this process at once and a worker caught mid-shutdown is left behind.
        # A signal already ignored (`nohup make run`) stays ignored.
        for signum in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is not signal.SIG_IGN:
                signal.signal(signum, _exit_on_signal)
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
