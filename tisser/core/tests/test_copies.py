"""Copies kept in each process: one version read per request, dropped by any change."""

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started

from tisser.core import copies

pytestmark = pytest.mark.django_db  # a request's end closes old database connections


@pytest.fixture(autouse=True)
def fresh():
    cache.clear()
    copies._copies.clear()
    yield
    request_finished.send(sender=None)
    cache.clear()
    copies._copies.clear()


class Counter:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


class CountedGets:
    """Counts the shared cache's reads of the version key."""

    def __init__(self, monkeypatch):
        copies.version()  # a version exists (a cleared cache makes one first)
        self.version_reads = 0
        real = cache.get

        def get(key, *args, **kwargs):
            if key == copies.VERSION_KEY:
                self.version_reads += 1
            return real(key, *args, **kwargs)

        monkeypatch.setattr(cache, "get", get)


def test_a_copy_is_built_once_then_read_from_the_process():
    build = Counter({"a": 1})
    assert copies.read_copy("thing", build, 60) == {"a": 1}
    assert copies.read_copy("thing", build, 60) == {"a": 1}
    assert build.calls == 1


def test_another_process_reads_the_shared_copy_without_building_it():
    build = Counter("shared")
    copies.read_copy("thing", build, 60)
    copies._copies.clear()  # as a process that never read it
    assert copies.read_copy("thing", build, 60) == "shared"
    assert build.calls == 1


def test_a_change_drops_every_copy(django_capture_on_commit_callbacks):
    first, second = Counter("one"), Counter("two")
    copies.read_copy("a", first, 60)
    copies.read_copy("b", second, 60)
    with django_capture_on_commit_callbacks(execute=True):
        copies.changed()
    first.value = "one, changed"
    assert copies.read_copy("a", first, 60) == "one, changed"
    assert copies.read_copy("b", second, 60) == "two"
    assert (first.calls, second.calls) == (2, 2)


def test_nothing_built_is_not_kept():
    build = Counter(None)
    assert copies.read_copy("missing", build, 60) is None
    assert copies.read_copy("missing", build, 60) is None
    assert build.calls == 2


def test_a_copy_older_than_its_seconds_is_read_again(monkeypatch):
    build = Counter("old")
    copies.read_copy("thing", build, 60)
    later = copies.time.time() + 61
    monkeypatch.setattr(copies.time, "time", lambda: later)
    cache.clear()  # the shared copy has expired too
    build.value = "new"
    assert copies.read_copy("thing", build, 60) == "new"


def test_a_request_reads_the_version_once_whatever_it_reads(monkeypatch):
    gets = CountedGets(monkeypatch)
    request_started.send(sender=None)
    copies.read_copy("a", Counter(1), 60)
    copies.read_copy("b", Counter(2), 60)
    copies.read_copy("a", Counter(1), 60)
    assert gets.version_reads == 1
    request_finished.send(sender=None)
    request_started.send(sender=None)  # the next request asks again
    copies.read_copy("a", Counter(1), 60)
    assert gets.version_reads == 2


def test_outside_a_request_every_read_asks_the_version(monkeypatch):
    gets = CountedGets(monkeypatch)
    copies.read_copy("a", Counter(1), 60)
    copies.read_copy("a", Counter(1), 60)
    assert gets.version_reads == 2


def test_a_change_within_a_request_is_seen_by_the_same_request():
    request_started.send(sender=None)
    build = Counter("before")
    assert copies.read_copy("a", build, 60) == "before"
    copies.changed()
    build.value = "after"
    assert copies.read_copy("a", build, 60) == "after"
