"""Rarely changed data that a hot path reads at every request, kept in each process.

The event a registration posts to, whether any webhook listens to registrations: each
lives in Django's shared cache (built from the database when missing) and, unpickled, in
every process that read it. One shared key, the version, says whether those copies are
current: a change to any of them (`changed`) starts a new version, and every process's
copies are dropped at once. A request reads the version once, however many copies it
uses (one cache read, or one round trip to Redis, instead of one per copy); outside a
request (a task, a command) every read asks the cache.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.dispatch import receiver

VERSION_KEY = "copies:version"
#: A process keeps at most this many copies (all names and versions together).
MOST = 64

T = TypeVar("T")

#: This process's copies: "name:version" -> (until when, as `time.time()`, the value).
_copies: dict[str, tuple[float, object]] = {}
#: The version read by the request this thread serves (`active` inside a request).
_request = threading.local()


def version() -> int:
    """The shared version, read once per request."""
    known = getattr(_request, "version", None)
    if known is not None:
        return known
    current = cache.get(VERSION_KEY)
    if current is None:  # a cleared cache: a new version, never one seen before
        cache.add(VERSION_KEY, time.time_ns(), None)
        current = cache.get(VERSION_KEY)
    if getattr(_request, "active", False):
        _request.version = current
    return current


def read_copy(name: str, build: Callable[[], T | None], seconds: int) -> T | None:
    """`build()`'s value as of the current version: this process's copy, else the shared
    cache's, else built and shared. `seconds` bounds how long a change that nobody
    reports through `changed` (a bulk update) can go unseen. A None built is not kept.

    The copy is shared by the requests of the process: read it, never change it."""
    key = f"{name}:{version()}"
    kept = _copies.get(key)
    if kept is not None and kept[0] > time.time():
        return kept[1]
    shared_key = f"copies:{key}"
    kept = cache.get(shared_key)  # (until when, the value): the process keeps it as long
    if kept is None:
        value = build()
        if value is None:
            return None
        kept = (time.time() + seconds, value)
        cache.set(shared_key, kept, seconds)
    if len(_copies) >= MOST:
        _copies.clear()
    _copies[key] = kept
    return kept[1]


def changed(**kwargs) -> None:
    """Some kept data changed (a signal receiver too): every process's copies are
    dropped, now and again once the change commits (a reader in between may have kept
    what it saw before the commit)."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)
    _request.version = None


@receiver(request_started, dispatch_uid="core.copies.request_started")
def _request_started(**kwargs) -> None:
    _request.active, _request.version = True, None


@receiver(request_finished, dispatch_uid="core.copies.request_finished")
def _request_finished(**kwargs) -> None:
    _request.active, _request.version = False, None
