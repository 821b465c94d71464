"""The rehearsal's servers, each started inside its host's namespace.

PostgreSQL (a throw-away cluster made by `initdb` in a temporary folder) and Redis (no
disk) on the "db" host, gunicorn on "web1"/"web2", HAProxy on "lb", Celery workers on
"worker1"/"worker2", the SMTP sink on "smtp". Every process is a child of the driver and
is also found by its namespace when the namespaces are removed.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from .netns import ADDRESSES, Topology

ROOT = Path(__file__).resolve().parents[2]
PG_PORT, REDIS_PORT, WEB_PORT, LB_PORT, SMTP_PORT = 5432, 6379, 8000, 80, 2525


def wait_for_port(address: str, port: int, timeout: float = 60.0, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[3:6]} stopped (code {process.returncode})")
        try:
            with socket.create_connection((address, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on {address}:{port} after {timeout:.0f} s")


def postgres_bin() -> Path:
    """The newest PostgreSQL server installed from Debian's packages."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not found:
        raise RuntimeError("no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)")
    return Path(found[-1]).parent


def missing_tools() -> list[str]:
    """What the rehearsal needs from the machine and does not find."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)")
    for tool in ("ip", "setpriv", "redis-server", "haproxy"):
        if not shutil.which(tool):
            missing.append(tool)
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        missing.append("PostgreSQL server (/usr/lib/postgresql/*/bin/initdb)")
    return missing


class Hosts:
    """Starts and stops the rehearsal's processes; `procs[host]` lists a host's processes."""

    def __init__(self, topology: Topology, workdir: Path, env: dict):
        self.topology = topology
        self.workdir = workdir
        self.env = env
        self.procs: dict[str, list[subprocess.Popen]] = {}
        self.logs: list = []

    def spawn(self, host: str, command: list[str], name: str, env=None) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the child
        self.logs.append(log)
        process = subprocess.Popen(
            self.topology.exec_prefix(host) + command,
            cwd=ROOT,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.setdefault(host, []).append(process)
        return process

    # --- db host -------------------------------------------------------------------------

    def start_postgres(self) -> str:
        data = self.workdir / "pgdata"
        data.mkdir()
        shutil.chown(self.workdir, "postgres")
        shutil.chown(data, "postgres")
        as_postgres = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
        binary = postgres_bin()
        subprocess.run(
            as_postgres + [str(binary / "initdb"), "-D", str(data), "--auth=trust", "-U",
                           "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        with open(data / "pg_hba.conf", "a") as hba:
            hba.write("host all all 198.18.0.0/15 trust\n")
        address = ADDRESSES["db"]
        process = self.spawn(
            "db",
            as_postgres + [str(binary / "postgres"), "-D", str(data),
                           "-c", f"listen_addresses={address}", "-c", f"port={PG_PORT}",
                           "-c", f"unix_socket_directories={self.workdir}",
                           "-c", "max_connections=200", "-c", "shared_buffers=128MB",
                           # The database is never the host that is killed: durability
                           # is not what the rehearsal checks, a loaded disk would only
                           # slow it down.
                           "-c", "fsync=off", "-c", "full_page_writes=off",
                           "-c", "autovacuum=off"],
            "postgres",
        )  # fmt: skip
        wait_for_port(address, PG_PORT, process=process)
        return f"postgres://postgres@{address}:{PG_PORT}"

    def start_redis(self) -> str:
        address = ADDRESSES["db"]
        process = self.spawn(
            "db",
            ["redis-server", "--bind", address, "--port", str(REDIS_PORT), "--save", "",
             "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no",
             "--loglevel", "warning"],
            "redis",
        )  # fmt: skip
        wait_for_port(address, REDIS_PORT, process=process)
        return f"redis://{address}:{REDIS_PORT}"

    # --- smtp host -----------------------------------------------------------------------

    def start_sink(self) -> Path:
        out = self.workdir / "sink"
        process = self.spawn(
            "smtp",
            [sys.executable, str(Path(__file__).with_name("sink.py")), "--host",
             ADDRESSES["smtp"], "--port", str(SMTP_PORT), "--out", str(out)],
            "sink",
        )  # fmt: skip
        wait_for_port(ADDRESSES["smtp"], SMTP_PORT, process=process)
        return out

    # --- web hosts, load balancer --------------------------------------------------------

    def start_web(self, host: str, workers: int) -> subprocess.Popen:
        address = ADDRESSES[host]
        env = dict(self.env, TISSER_DATA_DIR=str(self.data_dir(host)))
        process = self.spawn(
            host,
            [sys.executable, "-m", "gunicorn", "tisser.wsgi", "--workers", str(workers),
             "--bind", f"{address}:{WEB_PORT}", "--backlog", "2048", "--log-level", "warning",
             # A worker's first request imports every app; on a machine this loaded that
             # can pass gunicorn's default 30 s, which would abort it.
             "--timeout", "120"],
            host, env,
        )  # fmt: skip
        wait_for_port(address, WEB_PORT, process=process)
        return process

    def start_haproxy(self, web_workers: int) -> Path:
        socket_path = self.workdir / "haproxy.sock"
        config = self.workdir / "haproxy.cfg"
        lb = ADDRESSES["lb"]
        servers = "\n".join(
            f"  server {h} {ADDRESSES[h]}:{WEB_PORT} check maxconn {web_workers}"
            for h in ("web1", "web2")
        )
        config.write_text(
            f"""global
  maxconn 4096
  stats socket {socket_path} mode 600 level admin

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s
  # Requests wait here rather than in gunicorn's backlog (maxconn = its sync workers per
  # host), so that a health check is never stuck behind a queue and a busy host is not
  # taken for a dead one.
  timeout queue 60s
  # A host slowed down by the load is not a dead one: checks wait long and fail three
  # times before it is taken out; a refused connection takes it out at once.
  timeout check 10s
  # A request not yet sent (connection refused) is sent to the other host; one already
  # sent is never replayed by the balancer (a registration is not idempotent).
  retries 3
  option redispatch

frontend tisser
  bind {lb}:{LB_PORT}
  default_backend web

backend web
  balance roundrobin
  option httpchk
  http-check send meth GET uri /health/ ver HTTP/1.1 hdr Host {lb}
  http-check expect status 200
  default-server inter 1s downinter 500ms fall 3 rise 1 observe layer4 error-limit 1 on-error mark-down
{servers}
"""
        )
        self.spawn("lb", ["haproxy", "-f", str(config), "-db"], "haproxy")
        wait_for_port(lb, LB_PORT, process=self.procs["lb"][-1])
        return socket_path

    # --- worker hosts --------------------------------------------------------------------

    def start_worker(self, host: str, beat: bool = False) -> subprocess.Popen:
        data = self.data_dir(host)
        command = [sys.executable, "-m", "celery", "-A", "tisser", "worker", "--concurrency",
                   "2", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
                   "--hostname", f"{host}@tisser-rehearsal"]  # fmt: skip
        if beat:  # exactly one scheduler for the installation (docs/admin/scaling.md)
            command += ["--beat", "--schedule", str(data / "celerybeat-schedule")]
        return self.spawn(host, command, host, dict(self.env, TISSER_DATA_DIR=str(data)))

    def data_dir(self, host: str) -> Path:
        path = self.workdir / f"data-{host}"
        path.mkdir(exist_ok=True)
        return path

    # --- failures ------------------------------------------------------------------------

    def kill_host(self, host: str) -> int:
        """SIGKILL every process of `host` (as a machine losing power would); how many."""
        from .netns import kill_namespace_processes

        killed = kill_namespace_processes(self.topology.name(host))
        for process in self.procs.get(host, []):
            process.wait(timeout=10)
        self.procs[host] = []
        return killed

    def stop_all(self) -> None:
        for processes in self.procs.values():
            for process in processes:
                if process.poll() is None:
                    process.terminate()
        for processes in self.procs.values():
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        for log in self.logs:
            log.close()
