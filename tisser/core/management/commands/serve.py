"""Start the background worker and the web server together, for `make run`.

The worker writes its log to `$TISSER_DATA_DIR/worker.log`, not to the terminal, and the
web server's start-up banner is left out: once the site answers, the terminal ends with one
block — the address, the apps' notes (the demo logins), where emails and the worker's log
go — in the console's language (`core.console`). Request lines follow as pages are opened.
"""

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _

from tisser.core import console


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Command(console.ConsoleCommand):
    help = "Run the web server and a task-queue worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        log_path = settings.DATA_DIR / "worker.log"
        with open(log_path, "ab") as log:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "tisser",
                    "--quiet",
                    "worker",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    "2",
                    # The scheduler (reminders, scheduled publishing) runs inside this one
                    # worker; at scale, run a single `celery -A tisser beat` apart
                    # (docs/admin/scaling.md).
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
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        # `kill` or a closed terminal must stop the worker too, as Ctrl-C does: without this,
        # SIGTERM ends this process at once and a worker caught mid-shutdown is left behind.
        # A signal already ignored (`nohup make run`) stays ignored.
        for signum in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is not signal.SIG_IGN:
                signal.signal(signum, _exit_on_signal)
        language = translation.get_language()
        threading.Thread(
            target=self._announce, args=(host, int(port), language, log_path), daemon=True
        ).start()
        try:
            call_command(
                "runserver",
                f"{host}:{port}",
                use_reloader=False,
                skip_checks=True,
                stdout=io.StringIO(),  # its banner: the block below says what matters
            )
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()

    def _announce(self, host: str, port: int, language: str, log_path) -> None:
        """Print the block once the web server answers (it never does if the port is
        taken: runserver then says so and stops)."""
        deadline = time.monotonic() + 60
        while not _answers(host, port):
            if time.monotonic() > deadline:
                return
            time.sleep(0.1)
        with translation.override(language):
            self.stdout.write(self.block(f"http://{host}:{port}", log_path))
        self.stdout.flush()

    def block(self, url: str, log_path) -> str:
        rule = "─" * 64
        lines = [
            "",
            rule,
            self.style.SUCCESS(_("Tisser is running at %(url)s/") % {"url": url}),
            _("Map of actors: %(url)s/carte/") % {"url": url},
            _("Staff pages: %(url)s/gestion/") % {"url": url},
        ]
        for note in console.startup_notes():
            lines += ["", *note]
        lines.append("")
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            lines.append(
                _("Emails are not sent: they are written to %(folder)s")
                % {"folder": settings.EMAIL_FILE_PATH}
            )
        lines.append(_("The worker's log: %(path)s") % {"path": log_path})
        lines += [_("Ctrl-C stops the web server and the worker."), rule]
        return "\n".join(lines)
