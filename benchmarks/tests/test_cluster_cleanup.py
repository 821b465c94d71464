"""The multi-host rehearsal leaves nothing behind: namespaces, interfaces, processes.

Needs root, `ip` and HAProxy, and runs only when asked (it changes the machine's network
namespaces for a few seconds):

    TISSER_CLUSTER_TESTS=1 .venv/bin/python -m pytest -q benchmarks/tests/test_cluster_cleanup.py
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCHMARKS))

from cluster_kit.netns import Topology, existing_namespaces, leftovers  # noqa: E402

pytestmark = pytest.mark.skipif(
    not (
        os.environ.get("TISSER_CLUSTER_TESTS")
        and os.geteuid() == 0
        and shutil.which("ip")
        and shutil.which("haproxy")
    ),
    reason="set TISSER_CLUSTER_TESTS=1, as root with ip and haproxy installed",
)

HOSTS = {"hosta": "198.18.0.201", "hostb": "198.18.0.202"}
LISTENER = (
    "import socket, sys\n"
    "s = socket.socket(); s.bind((sys.argv[1], 7000)); s.listen()\n"
    "print('ready', flush=True)\n"
    "while True:\n"
    "    c, _ = s.accept(); c.sendall(b'hello'); c.close()\n"
)
CLIENT = (
    "import socket, sys\n"
    "print(socket.create_connection((sys.argv[1], 7000), timeout=5).recv(5).decode())\n"
)


def reply_from_here(address: str) -> bytes:
    try:
        with socket.create_connection((address, 7000), timeout=2) as sock:
            sock.settimeout(2)
            return sock.recv(5)
    except OSError:
        return b""


def interfaces_here() -> str:
    return subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout


def test_hosts_talk_to_each_other_only_and_everything_goes_at_the_end():
    before_links = interfaces_here()
    topology = Topology(hosts=HOSTS)
    try:
        topology.create()
        assert set(topology.namespaces()) <= existing_namespaces()
        listener = subprocess.Popen(
            topology.exec_prefix("hosta") + [sys.executable, "-c", LISTENER, HOSTS["hosta"]],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert listener.stdout.readline().strip() == "ready"
        answer = subprocess.run(
            topology.exec_prefix("hostb") + [sys.executable, "-c", CLIENT, HOSTS["hosta"]],
            capture_output=True,
            text=True,
            timeout=20,
        )
        assert answer.stdout.strip() == "hello", answer.stderr
        # The machine's own namespace has no way into the rehearsal's network (its default
        # route may lead somewhere that accepts the connection, but never to our host).
        assert reply_from_here(HOSTS["hosta"]) != b"hello"
        assert interfaces_here() == before_links
    finally:
        left = topology.destroy()
    assert left == []
    assert not set(topology.namespaces()) & existing_namespaces()
    listener.wait(timeout=10)  # killed with its namespace
    assert listener.returncode == -signal.SIGKILL


def run_rehearsal(fail: str) -> subprocess.Popen:
    env = dict(os.environ, TISSER_CLUSTER_FAIL_AFTER_CREATE=fail, TISSER_CLUSTER_TIMEOUT="60")
    return subprocess.Popen(
        [sys.executable, str(BENCHMARKS / "cluster.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_failing_rehearsal_removes_its_namespaces():
    before = set(leftovers())
    process = run_rehearsal("raise")
    output, _ = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "every namespace and process of the rehearsal removed" in output
    assert set(leftovers()) == before


def test_a_terminated_rehearsal_removes_its_namespaces():
    before = set(leftovers())
    process = run_rehearsal("hang")
    deadline = time.monotonic() + 60
    while set(leftovers()) == before:  # wait until the namespaces are made
        assert time.monotonic() < deadline, "the rehearsal made no namespace"
        time.sleep(0.1)
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert set(leftovers()) == before
