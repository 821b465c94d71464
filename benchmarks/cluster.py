"""A multi-host rehearsal: two web hosts and two workers on one PostgreSQL and one broker,
one web host and one worker host lost in the middle of the work.

As root, the script makes network namespaces joined by a bridge on 198.18.0.0/24 (the
benchmarking range; nothing is added to the machine's own namespace):

    db       PostgreSQL (a throw-away cluster: initdb in a temporary folder) and Redis
    web1/2   gunicorn serving Tisser          lb        HAProxy in front of web1 and web2
    worker1/2  Celery workers (worker2 runs the scheduler), broker = the Redis on db
    smtp     an aiosmtpd sink counting what each recipient received
    clients  the driver: the registration rush over HTTP through the load balancer

Then (`cluster_kit/drive.py`): a rush of 2,000 different people registering for an event
of 150 places with a waiting list, web1 SIGKILLed a third of the way through and restarted
5 s later; a campaign to 50,000 subscribers started through the project's services, the
worker host that is sending SIGKILLed a third of the way through and restarted. It checks
attempts accepted = confirmed + waitlisted, 0 overbooked, 0 lost, every recipient reached,
at most one duplicate per SMTP connection killed, and measures the errors clients saw and
the time to recover. Every namespace and process it made is removed at the end, on error,
on SIGTERM/SIGINT, and after `TISSER_CLUSTER_TIMEOUT` seconds at the latest.

    make bench NAME=cluster                        # as root; writes cluster-postgresql.json
    TISSER_CLUSTER_SMALL=1 make bench NAME=cluster  # 200 attempts, 2,000 recipients
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cluster_kit.hosts import missing_tools  # noqa: E402
from cluster_kit.netns import Topology, leftovers  # noqa: E402

RUN_ENV, WORKDIR_ENV = "TISSER_CLUSTER_RUN", "TISSER_CLUSTER_WORKDIR"
SMALL = os.environ.get("TISSER_CLUSTER_SMALL", "") not in ("", "0")
TIMEOUT = float(os.environ.get("TISSER_CLUSTER_TIMEOUT", "1200" if SMALL else "5400"))


def install_haproxy() -> None:
    """HAProxy from Debian's packages, when missing and we may install it."""
    if shutil.which("haproxy") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    print("HAProxy is missing: apt-get install haproxy", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "haproxy"],
                   env=env, check=False, timeout=600)  # fmt: skip
    # The package starts a system-wide HAProxy on its default configuration; the rehearsal
    # runs its own inside a namespace and needs nothing from that one.


def outside() -> int:
    install_haproxy()
    missing = missing_tools()
    if missing:
        print("The rehearsal cannot run here; missing: " + "; ".join(missing), file=sys.stderr)
        return 2
    if old := leftovers():
        print(f"note: namespaces of an earlier rehearsal are still there: {old} "
              "(remove them with `ip netns del NAME` once no rehearsal runs)")  # fmt: skip
    topology = Topology()
    topology.install_cleanup()
    workdir = Path(tempfile.mkdtemp(prefix="tisser-cluster-"))
    driver = None
    code = 1
    try:
        topology.create()
        if fail := os.environ.get("TISSER_CLUSTER_FAIL_AFTER_CREATE"):  # the cleanup tests
            if fail == "hang":
                time.sleep(TIMEOUT)
            raise RuntimeError("failing on purpose after the namespaces were made")
        env = dict(os.environ, **{RUN_ENV: topology.run_id, WORKDIR_ENV: str(workdir)})
        driver = subprocess.Popen(
            topology.exec_prefix("clients") + [sys.executable, __file__, "--inside"],
            cwd=HERE.parent, env=env,
        )  # fmt: skip
        try:
            code = driver.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            print(f"the rehearsal took more than {TIMEOUT:.0f} s: stopped", file=sys.stderr)
            code = 3
    finally:
        if driver is not None and driver.poll() is None:
            driver.terminate()
            try:
                driver.wait(timeout=20)
            except subprocess.TimeoutExpired:
                driver.kill()
        started = time.monotonic()
        left = topology.destroy()
        if code:  # keep the servers' logs of a failed run
            kept = Path(tempfile.gettempdir()) / f"tisser-cluster-logs-{topology.run_id}"
            kept.mkdir(exist_ok=True)
            for log in workdir.glob("*.log"):
                shutil.copy(log, kept / log.name)
            print(f"the servers' logs are kept in {kept}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
        if left:
            print(f"could not remove namespaces: {left}", file=sys.stderr)
            code = code or 4
        else:
            print(f"every namespace and process of the rehearsal removed "
                  f"({time.monotonic() - started:.1f} s)")  # fmt: skip
    return code


def inside() -> int:
    from cluster_kit import drive

    return drive.main(os.environ[RUN_ENV], Path(os.environ[WORKDIR_ENV]))


if __name__ == "__main__":
    sys.exit(inside() if sys.argv[1:] == ["--inside"] else outside())
