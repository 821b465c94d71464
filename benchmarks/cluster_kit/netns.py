"""Network namespaces for the multi-host rehearsal: made, listed and removed here only.

Every host of the rehearsal is a network namespace `tsr<run>-<host>` with one veth
(`eth0`) plugged into a bridge that lives in a namespace of its own (`tsr<run>-sw`), on
addresses of the benchmarking range 198.18.0.0/15. Nothing is added to the machine's own
namespace (no address, no route, no interface), so the rehearsal's traffic stays between
the namespaces it made. Removing a namespace first SIGKILLs every process still inside it
(`ip netns pids`): they can only be the rehearsal's own, the namespace being fresh.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time

NETWORK = "198.18.0"
PREFIXLEN = 24
ADDRESSES = {
    "db": f"{NETWORK}.2",
    "lb": f"{NETWORK}.3",
    "web1": f"{NETWORK}.11",
    "web2": f"{NETWORK}.12",
    "worker1": f"{NETWORK}.21",
    "worker2": f"{NETWORK}.22",
    "smtp": f"{NETWORK}.30",
    "clients": f"{NETWORK}.40",
}
NAME_PREFIX = "tsr"


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=30)


def existing_namespaces() -> set[str]:
    output = ip("netns", "list", check=False).stdout
    return {line.split()[0] for line in output.splitlines() if line.strip()}


def pids_in(namespace: str) -> list[int]:
    output = ip("netns", "pids", namespace, check=False).stdout
    return [int(p) for p in output.split() if p.isdigit()]


def kill_namespace_processes(namespace: str, timeout: float = 10.0) -> int:
    """SIGKILL every process in `namespace` and wait until none is left; how many there were."""
    killed: set[int] = set()
    deadline = time.monotonic() + timeout
    while pids := pids_in(namespace):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return len(killed)


class Topology:
    """The rehearsal's hosts on one bridge. `create()` then `destroy()` (idempotent; also
    run at exit and on SIGTERM/SIGINT/SIGHUP once `install_cleanup()` was called)."""

    def __init__(self, hosts=None, run_id: str | None = None):
        self.run_id = run_id or secrets.token_hex(2)
        self.hosts = dict(hosts or ADDRESSES)
        self.made: list[str] = []  # namespaces created, in order
        self._destroyed = False

    def name(self, host: str) -> str:
        return f"{NAME_PREFIX}{self.run_id}-{host}"

    @property
    def switch(self) -> str:
        return self.name("sw")

    def namespaces(self) -> list[str]:
        return [self.switch] + [self.name(h) for h in self.hosts]

    def create(self) -> None:
        clash = existing_namespaces() & set(self.namespaces())
        if clash:
            raise RuntimeError(f"namespaces already exist: {sorted(clash)}")
        self._add(self.switch)
        ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
        ip("-n", self.switch, "link", "set", "br0", "up")
        for host, address in self.hosts.items():
            namespace = self.name(host)
            self._add(namespace)
            # Made inside the switch's namespace, its peer moved straight into the host's:
            # no interface ever appears in the machine's own namespace.
            ip("-n", self.switch, "link", "add", host, "type", "veth",
               "peer", "name", "eth0", "netns", namespace)  # fmt: skip
            ip("-n", self.switch, "link", "set", host, "master", "br0")
            ip("-n", self.switch, "link", "set", host, "up")
            ip("-n", namespace, "addr", "add", f"{address}/{PREFIXLEN}", "dev", "eth0")
            ip("-n", namespace, "link", "set", "eth0", "up")

    def _add(self, namespace: str) -> None:
        ip("netns", "add", namespace)
        self.made.append(namespace)
        ip("-n", namespace, "link", "set", "lo", "up")

    def exec_prefix(self, host: str) -> list[str]:
        """The command prefix that runs a program on `host`."""
        return ["ip", "netns", "exec", self.name(host)]

    def destroy(self) -> list[str]:
        """Kill what runs in the namespaces made, then delete them (their veths go with
        them). Returns the namespaces that could not be deleted (should be none)."""
        if self._destroyed:
            return []
        self._destroyed = True
        left = []
        for namespace in reversed(self.made):
            kill_namespace_processes(namespace)
            if ip("netns", "del", namespace, check=False).returncode != 0:
                left.append(namespace)
        self.made = left
        return left

    def install_cleanup(self) -> None:
        """Remove the namespaces at exit and on a terminating signal, whatever happens."""
        atexit.register(self.destroy)

        def on_signal(signum, frame):
            self.destroy()
            sys.exit(128 + signum)

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, on_signal)


def leftovers() -> list[str]:
    """Namespaces of earlier rehearsals (a run killed by SIGKILL cannot clean up)."""
    return sorted(n for n in existing_namespaces() if n.startswith(NAME_PREFIX))
