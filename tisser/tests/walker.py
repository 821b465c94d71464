"""Walk every URL pattern of the project with hostile values, as a visitor or as staff.

`crawl()` follows the links and forms of real pages (one or two concrete URLs per
pattern, so every view runs with real objects); `reads()` records which query
parameters each view asked `request.GET` for. `attack()` then sends, for every pattern,
each hostile value in each parameter the view reads, its forms send and its links carry.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

#: What a stranger may type in a parameter the view reads, one at a time.
HOSTILE = {
    "inf": "inf",
    "1e309": "1e309",
    "huge": "9" * 30,
    "negative": "-1",
    "words": "abc",
    "medium": "é" * 300,
}
#: Refused for every parameter at once, before any view runs (RequestInputMiddleware).
NUL = "a\x00b"
OVERLONG = "x" * 20_000

#: Links not to follow while crawling (they end the session or leave the site).
SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/i18n/")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    number_fields: set[str] = field(default_factory=set)


class _PageParser(HTMLParser):
    """The links (`href`, `hx-get`, `src` of scripts excepted) and forms of a page."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        for key in ("href", "hx-get", "data-url"):
            if attrs.get(key):
                self.links.append(attrs[key])
        if tag == "form":
            self._form = Form(
                action=attrs.get("action") or self.base,
                method=(attrs.get("method") or "get").lower(),
            )
            self.forms.append(self._form)
        elif self._form is not None and tag in {"input", "select", "textarea", "button"}:
            name = attrs.get("name")
            if not name:
                return
            kind = attrs.get("type", "text")
            if tag == "input" and kind in {"checkbox", "radio"} and "checked" not in attrs:
                self._form.fields.setdefault(name, "")
                return
            if tag == "input" and kind == "number":
                self._form.number_fields.add(name)
            if tag == "select":
                self._select = name
            self._form.fields.setdefault(name, attrs.get("value", ""))
        elif (
            tag == "option"
            and self._form is not None
            and self._select
            and ("selected" in attrs or not self._form.fields.get(self._select))
        ):
            self._form.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def patterns() -> list[tuple[str, URLPattern]]:
    """Every URL pattern of the project as (full route, pattern), the admin's excepted."""
    out: list[tuple[str, URLPattern]] = []

    def walk(entries, prefix):
        for entry in entries:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if route.startswith("admin/"):
                    continue
                walk(entry.url_patterns, route)
            else:
                out.append((route, entry))

    walk(get_resolver().url_patterns, "")
    return out


def route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


_DUMMY = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.uuid4())}


_PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")


def url_for(route: str, site: Site) -> str:
    """A URL for a route no page links to: the values of a reached sibling route that
    shares its prefix (`…/<int:pk>/` for `…/<int:pk>/confirmer/`), else placeholders."""
    stem = route[: route.rfind(">") + 1]
    found: dict[str, str] = {}
    if stem:
        for other, urls in site.urls.items():
            if other.startswith(stem) and urls:
                found = resolve(urlsplit(urls[0]).path).kwargs
                break

    def fill(match):
        converter, name = match.group(1) or "str", match.group(2)
        return str(found.get(name, _DUMMY.get(converter, "x")))

    return "/" + _PLACEHOLDER.sub(fill, route).lstrip("^").rstrip("$")


class _RecordingQueryDict(QueryDict):
    """A QueryDict that notes which keys the view asked for."""

    sink: set[str] | None = None

    def _note(self, key):
        if self.sink is not None and isinstance(key, str):
            self.sink.add(key)

    def copy(self):
        result = super().copy()
        result.sink = self.sink
        return result

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


@contextmanager
def reads():
    """Within the block, `request.GET` records the keys views read: {path: {keys}}."""
    seen: dict[str, set[str]] = defaultdict(set)
    original = WSGIRequest.__dict__["GET"]

    def get(request):
        if "_recorded_get" not in request.__dict__:
            query = _RecordingQueryDict(request.META.get("QUERY_STRING", ""))
            query.sink = seen[request.path]
            request.__dict__["_recorded_get"] = query
        return request.__dict__["_recorded_get"]

    WSGIRequest.GET = property(get)
    try:
        yield seen
    finally:
        WSGIRequest.GET = original


@dataclass
class Site:
    """What a crawl found: concrete URLs per route, the forms of every page, link params."""

    urls: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    forms: list[Form] = field(default_factory=list)
    parameters: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    statuses: dict[str, int] = field(default_factory=dict)
    attempts: int = 0


def crawl(client, seeds, per_route: int = 2, limit: int = 1500) -> Site:
    """Follow links and GET forms from `seeds`, fetching at most `per_route` URLs a route."""
    site = Site()
    queue = list(seeds)
    seen: set[str] = set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIP_PREFIXES) or url in seen:
            continue
        route = route_of(parts.path)
        if route is None:
            continue
        for key, _value in parse_qsl(parts.query, keep_blank_values=True):
            site.parameters[route].add(key)
        if len(site.urls[route]) >= per_route:
            continue
        seen.add(url)
        site.urls[route].append(url)
        response = client.get(url)
        site.statuses[url] = response.status_code
        if response.status_code >= 500:
            continue
        content_type = response.get("Content-Type", "")
        if getattr(response, "streaming", False):
            # A download: nothing to follow. Read to the end, as a browser would (the
            # test client then closes it without touching the test's connection).
            for _chunk in response.streaming_content:
                pass
            continue
        if "html" not in content_type:
            continue
        parser = _PageParser(parts.path)
        parser.feed(response.content.decode("utf-8", "replace"))
        queue.extend(link.split("#")[0] for link in parser.links if link)
        for form in parser.forms:
            action_path = urlsplit(form.action).path or parts.path
            form.action = action_path
            site.forms.append(form)
            target = route_of(action_path)
            if target and form.method == "post" and action_path not in site.urls[target]:
                site.urls[target].append(action_path)
            if form.method == "get":
                target = route_of(action_path)
                if target:
                    site.parameters[target].update(form.fields)
                    query = urlencode([(k, v) for k, v in form.fields.items() if v])
                    queue.append(action_path + ("?" + query if query else ""))
    return site


@dataclass
class Failure:
    method: str
    url: str
    status: int
    detail: str = ""

    def __str__(self):
        return f"{self.method} {self.url!r} → {self.status} {self.detail}"


def _request(client, method, url, data=None):
    try:
        if method == "GET":
            return client.get(url)
        return client.post(url, data or {})
    except Exception as error:  # the test client re-raises view exceptions
        return error


def _check(failures, method, url, response, data=None):
    if isinstance(response, Exception):
        failures.append(Failure(method, url, 500, f"{type(response).__name__}: {response}"))
        return
    if response.status_code >= 500:
        failures.append(Failure(method, url, response.status_code, repr(data)[:200]))
    elif getattr(response, "streaming", False):
        try:
            b"".join(response.streaming_content)
        except Exception as error:
            failures.append(Failure(method, url, 500, f"stream cut: {error!r}"))


def attack(client, site: Site, recorded: dict[str, set[str]], values=HOSTILE) -> list[Failure]:
    """Every hostile value in every parameter of every route (NUL and overlong values in
    all of them at once); every POST form with NUL bytes, and with huge numbers in its
    number fields. `site.attempts` counts the requests."""
    failures: list[Failure] = []
    site.attempts = 0

    def send(method, url, data=None):
        site.attempts += 1
        _check(failures, method, url, _request(client, method, url, data), data)

    for route, _pattern in patterns():
        urls = site.urls.get(route) or [url_for(route, site)]
        base = urls[0].split("?")[0]
        names = set(site.parameters.get(route, set()))
        for url in urls:
            names |= recorded.get(url.split("?")[0], set())
        names.discard("csrfmiddlewaretoken")
        # Each parameter alone, the others as a real link or form sent them.
        good = dict(parse_qsl(urlsplit(max(urls, key=len)).query, keep_blank_values=True))
        for name in sorted(names):
            for value in values.values():
                send("GET", base + "?" + urlencode({**good, name: value}))
        for value in (NUL, OVERLONG):
            send("GET", base + "?" + urlencode({**good, **dict.fromkeys(names or ["q"], value)}))
        send("GET", base.rstrip("/") + "%00/")
    for form in site.forms:
        if form.method != "post":
            continue
        data = {k: NUL for k in form.fields if k != "csrfmiddlewaretoken"}
        send("POST", form.action, data)
        if form.number_fields:
            data = dict(form.fields)
            for name in form.number_fields:
                data[name] = "9" * 30
            send("POST", form.action, data)
    return failures
