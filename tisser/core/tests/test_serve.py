"""`manage.py serve` (what `make run` starts): stopping it stops its task-queue worker."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _group_members(pgid: int) -> set[int]:
    members = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.add(int(entry.name))
    return members


def _start_serve(tmp_path, preexec_fn=None, lang="C.UTF-8"):
    """`manage.py serve` in its own process group; returns once web server and worker run
    and the block is printed."""
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PYTEST") and key not in ("LC_ALL", "LC_MESSAGES")
    }
    env["LANG"] = lang
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tisser.settings",
            "TISSER_DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "TISSER_TASKS_EAGER": "0",
        }
    )
    env.pop("BROKER_URL", None)
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives `make run`
            preexec_fn=preexec_fn,
        )
    serve.log_path = log_path
    serve.port = port
    deadline = time.monotonic() + 60
    while len(_group_members(serve.pid)) < 2 or b"/carte/" not in log_path.read_bytes():
        if serve.poll() is not None or time.monotonic() > deadline:
            _stop(serve)
            pytest.fail(log_path.read_text(errors="replace"))
        time.sleep(0.2)
    time.sleep(1)  # let the worker get going
    return serve


def _stop(serve):
    for pid in _group_members(serve.pid):
        os.kill(pid, signal.SIGKILL)
    serve.wait(timeout=5)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_kill_of_serve_stops_the_worker(tmp_path, signum):
    serve = _start_serve(tmp_path)
    log_path = serve.log_path
    try:
        serve.send_signal(signum)  # to serve alone: the worker is its business

        deadline = time.monotonic() + 20
        while _group_members(serve.pid):
            assert time.monotonic() < deadline, (
                f"left running: {_group_members(serve.pid)}\n"
                + log_path.read_text(errors="replace")
            )
            time.sleep(0.2)
    finally:
        _stop(serve)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)")
def test_nohup_keeps_serve_running_when_the_terminal_closes(tmp_path):
    serve = _start_serve(tmp_path, preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    try:
        members = _group_members(serve.pid)
        serve.send_signal(signal.SIGHUP)
        time.sleep(2)
        assert serve.poll() is None
        assert members <= _group_members(serve.pid)  # the worker too
    finally:
        _stop(serve)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize(
    ("lang", "running", "stops"),
    [
        ("C.UTF-8", "Tisser fonctionne\u00a0: http://127.0.0.1:{port}/", "Ctrl-C arrête"),
        ("fr_FR.UTF-8", "Tisser fonctionne\u00a0: http://127.0.0.1:{port}/", "Ctrl-C arrête"),
        ("en_GB.UTF-8", "Tisser is running at http://127.0.0.1:{port}/", "Ctrl-C stops"),
    ],
)
def test_serve_ends_with_one_block_in_the_users_language(tmp_path, lang, running, stops):
    """What `make run` leaves on screen: the block, last, in one language; the worker's
    log goes to its file, the web server's banner is left out."""
    serve = _start_serve(tmp_path, lang=lang)
    try:
        time.sleep(2)  # anything the worker might still print would land here
        output = serve.log_path.read_text()
    finally:
        _stop(serve)
    lines = output.strip().splitlines()
    assert lines[0].startswith("─") and lines[-1].startswith("─"), output
    assert running.format(port=serve.port) in output
    assert stops in output
    english, french = "Starting development", "Carte des acteurs"
    assert english not in output and "celery" not in output.lower()
    if lang.startswith("en"):
        assert "Map of actors" in output and french not in output
    else:
        assert french in output and "Map of actors" not in output
    assert (tmp_path / "worker.log").exists()
