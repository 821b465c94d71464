"""The rehearsal's parameters (read once from the environment) and its log line, shared by
the driver (`drive`), the registration rush (`rush`) and the campaign (`mailing`)."""

from __future__ import annotations

import os

from .netns import ADDRESSES

SMALL = os.environ.get("TISSER_CLUSTER_SMALL", "") not in ("", "0")
ATTEMPTS = int(os.environ.get("TISSER_CLUSTER_ATTEMPTS", "200" if SMALL else "2000"))
PLACES = int(os.environ.get("TISSER_CLUSTER_PLACES", "50" if SMALL else "150"))
RECIPIENTS = int(os.environ.get("TISSER_CLUSTER_RECIPIENTS", "2000" if SMALL else "50000"))
CLIENTS = int(os.environ.get("TISSER_CLUSTER_CLIENTS", "16"))
WEB_WORKERS = int(os.environ.get("TISSER_CLUSTER_WEB_WORKERS", "2"))
DOWN_S = float(os.environ.get("TISSER_CLUSTER_DOWN_SECONDS", "5"))
CLAIM_SECONDS = int(os.environ.get("TISSER_CLUSTER_CLAIM_SECONDS", "15"))
MAX_TRIES = 8  # a person presses "register" again after an error, up to this many times
SLUG = "rehearsal"
LB = ADDRESSES["lb"]
ALREADY = (b"already registered", b"already on the waiting list", b"d\xc3\xa9j\xc3\xa0")


def log(message: str) -> None:
    print(f"[cluster] {message}", flush=True)
