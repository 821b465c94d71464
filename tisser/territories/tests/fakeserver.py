"""A local HTTP server standing in for the BAN and the geo API in tests (127.0.0.1 only)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

# The reference files shared by tests, benchmarks and CI (never copied into the repo).
SHARED_GEO = Path(__file__).resolve().parents[3].parent / "shared" / "geo"


class FakeServer:
    """Serves `routes[path](query) -> (status, body[, headers])`; records every request.

    `body` may be bytes, str, or anything JSON-serialisable. `delay` (seconds) slows
    every answer, to test client timeouts.
    """

    def __init__(self, routes: dict, delay: float = 0.0):
        self.routes = routes
        self.delay = delay
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.requests.append((parts.path, query))
                if server.delay:
                    time.sleep(server.delay)
                route = server.routes.get(parts.path)
                status, body, *extra = route(query) if route else (404, {"error": "not found"})
                headers = extra[0] if extra else {}
                if not isinstance(body, bytes | str):
                    body = json.dumps(body)
                data = body.encode() if isinstance(body, str) else body
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def closed_port_url() -> str:
    """The URL of a port nobody listens on: a connection there is refused at once."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
