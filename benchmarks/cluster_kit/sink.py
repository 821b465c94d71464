"""The rehearsal's SMTP sink: accepts every message, counts recipients and connections.

    python benchmarks/cluster_kit/sink.py --host 198.18.0.30 --port 2525 --out DIR

Writes `DIR/recipients.log` (one line per accepted recipient: `<peer> <address>`, flushed
with each message) and, twice a second, `DIR/status.json`: messages, connections opened,
connections that ended without QUIT (a killed sender) per peer, live connections per peer.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = open(out / "recipients.log", "a", encoding="utf-8")  # noqa: SIM115 - lives with the process
    lock = threading.Lock()
    state = {"messages": 0, "opened": {}, "aborted": {}, "live": {}, "aborted_at": []}

    def bump(key: str, peer: str, by: int = 1) -> None:
        with lock:
            state[key][peer] = state[key].get(peer, 0) + by

    class CountingSMTP(SMTP):
        def connection_made(self, transport):
            super().connection_made(transport)
            self._peer_ip = (transport.get_extra_info("peername") or ("?",))[0]
            self._quit = False
            bump("opened", self._peer_ip)
            bump("live", self._peer_ip)

        async def smtp_QUIT(self, arg):
            self._quit = True
            await super().smtp_QUIT(arg)

        def connection_lost(self, error):
            peer = getattr(self, "_peer_ip", "?")
            bump("live", peer, -1)
            if not getattr(self, "_quit", True):
                bump("aborted", peer)
                with lock:
                    state["aborted_at"].append([peer, time.time()])
            super().connection_lost(error)

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            peer = (session.peer or ("?",))[0]
            with lock:
                state["messages"] += 1
                log.write("".join(f"{peer} {rcpt.lower()}\n" for rcpt in envelope.rcpt_tos))
                log.flush()
            return "250 OK"

    class CountingController(Controller):
        def factory(self):
            return CountingSMTP(self.handler, **self.SMTP_kwargs)

    controller = CountingController(Sink(), hostname=args.host, port=args.port, data_size_limit=0)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    status = out / "status.json"
    while not stop.is_set():
        with lock:
            body = json.dumps(dict(state, when=time.time()))
        tmp = status.with_suffix(".tmp")
        tmp.write_text(body)
        os.replace(tmp, status)
        stop.wait(0.5)
    controller.stop()
    log.close()


if __name__ == "__main__":
    main()
