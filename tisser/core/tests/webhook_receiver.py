"""A real HTTP receiver on 127.0.0.1 for webhook tests: it records each request and
checks its signature the way the documentation tells receivers to."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

from tisser.core.webhooks import verify


def start_receiver(secret_of=lambda: "", statuses=None):
    """Returns (server, state): `state.requests` holds SimpleNamespace(headers, body,
    valid); `state.statuses` is a list of status codes to answer in turn (then 200)."""
    state = SimpleNamespace(requests=[], statuses=list(statuses or []), lock=threading.Lock())

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            valid = verify(
                secret_of(),
                self.headers.get("Tisser-Webhook-Timestamp", ""),
                body,
                self.headers.get("Tisser-Webhook-Signature", ""),
            )
            with state.lock:
                state.requests.append(
                    SimpleNamespace(headers=dict(self.headers), body=body, valid=valid)
                )
                status = state.statuses.pop(0) if state.statuses else 200
            reply = b"ok" if status < 300 else b"receiver is down"
            self.send_response(status)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    return server, state
