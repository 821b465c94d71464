"""Instructions per request, counted by callgrind: the registration and the minimal view
posted in-process, through Tisser's WSGI application, to the benchmark's database.

CPU time on a virtual machine depends on what the host runs (the same minimal view took
0.78 to 2.05 ms on the same code); the instructions a request executes do not. Run by
`registrations.py` after the rush (skipped without valgrind). Each view gets
`INSTRUCTION_POSTS` posts after 10 of warm-up, new people each; the worker's
once-a-second wake-up is left out (under valgrind, 50 times slower, it would come every
few posts).

    python benchmarks/registrations_instructions.py reg|min POSTS FIRST_PERSON QUESTION_ID
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

INSTRUCTION_POSTS = 30
PATHS = {"reg": "/agenda/rush/inscription/", "min": "/bench/minimal/"}


def count(question_id: int, first_person: int) -> dict | None:
    """Millions of instructions per request of each view, or None without valgrind."""
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        return None
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="benchmarks.minimal.settings",
        TISSER_DEBUG="0",
        TISSER_LOG_LEVEL="WARNING",
        TISSER_TASKS_EAGER="0",
        TISSER_REGISTRATION_CACHE_SECONDS="3600",
        PYTHONHASHSEED="0",
    )
    counted = {}
    with tempfile.TemporaryDirectory(prefix="tisser-callgrind-") as folder:
        for n, view in enumerate(PATHS):
            out = Path(folder) / f"{view}.out"
            subprocess.run(
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--instr-atstart=no",
                    f"--callgrind-out-file={out}",
                    sys.executable,
                    __file__,
                    view,
                    str(INSTRUCTION_POSTS),
                    str(first_person + n * 1000),
                    str(question_id),
                ],
                env=env,
                check=True,
                capture_output=True,
                cwd=Path(__file__).resolve().parent.parent,
            )
            totals = next(
                line for line in out.read_text().splitlines() if line.startswith("totals:")
            )
            counted[view] = int(totals.split()[1]) / INSTRUCTION_POSTS / 1e6
    return counted


def _post_in_process(view: str, posts: int, first: int, question: int) -> None:
    import gc

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    import tisser.wsgi
    from tisser.events.registration import notices

    notices.WAKE_SECONDS = float("inf")
    app = tisser.wsgi.application

    def call(method: str, path: str, body: bytes = b"", cookie: str = ""):
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_COOKIE": cookie,
            "HTTP_REFERER": f"http://127.0.0.1:8000{path}",
        }
        seen = {}

        def start_response(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers

        response = app(environ, start_response)
        b"".join(response)
        response.close()
        return seen["status"], seen["headers"]

    _status, headers = call("GET", PATHS["reg"])
    cookie = next(v for k, v in headers if k == "Set-Cookie" and "csrftoken" in v)
    cookie = cookie.split(";", 1)[0]
    token = cookie.split("=", 1)[1]

    def body(n: int) -> bytes:
        return urlencode(
            {
                "csrfmiddlewaretoken": token,
                "first_name": f"Prénom{n}",
                "last_name": "Compte",
                "email": f"compte{n}@example.org",
                "organisation": f"Structure {n % 60}",
                f"question_{question}": "Végétarien" if n % 3 else "Aucun",
            }
        ).encode()

    bodies = [body(n) for n in range(first, first + 10 + posts)]
    for data in bodies[:10]:  # warm-up, not counted
        assert call("POST", PATHS[view], data, cookie)[0].startswith("302")
    gc.collect()
    gc.freeze()
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
    statuses = [call("POST", PATHS[view], data, cookie)[0] for data in bodies[10:]]
    subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)
    assert all(s.startswith("302") for s in statuses), json.dumps(statuses)


if __name__ == "__main__":
    _post_in_process(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
