"""A small HTTP client for the public geo services (BAN, geo API), with short timeouts.

Every outside call goes through `get_json`, so that errors come out as one exception
type with a message a person can act on ("offline?", "server answered 500").
"""

from typing import Any

import httpx
from django.conf import settings

USER_AGENT = "Tisser (self-hosted solidarity-economy platform)"


class GeoServiceError(Exception):
    """The outside service could not be reached or gave an unusable answer.

    `status` is the HTTP status when the server answered, `retry_after` its
    Retry-After header in seconds (rate limits), else None.
    """

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class GeoServiceDisabled(GeoServiceError):
    """The service URL is empty in the settings: the instance runs offline."""


def service_url(base: str, path: str) -> str:
    if not base:
        raise GeoServiceDisabled("the service URL is empty (offline mode)")
    return base.rstrip("/") + "/" + path.lstrip("/")


_client: httpx.Client | None = None


def client() -> httpx.Client:
    """One client per process: it keeps connections alive between geocoding calls, and
    building one (its TLS context) costs more than a request to a nearby server."""
    global _client
    if _client is None:
        _client = httpx.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=True)
    return _client


def get_json(url: str, params: dict | None = None, timeout: float | None = None) -> Any:
    """GET `url` and decode its JSON, or raise `GeoServiceError` with a clear reason."""
    timeout = settings.TISSER_HTTP_TIMEOUT if timeout is None else timeout
    try:
        response = client().get(url, params=params, timeout=timeout)
    except httpx.TimeoutException as exc:
        raise GeoServiceError(f"{url}: no answer within {timeout:g} s") from exc
    except httpx.HTTPError as exc:
        raise GeoServiceError(
            f"{url}: cannot connect, is the machine offline? ({exc.__class__.__name__}: {exc})"
        ) from exc
    if response.status_code != 200:
        raise GeoServiceError(
            f"{url}: the server answered HTTP {response.status_code}",
            status=response.status_code,
            retry_after=_seconds(response.headers.get("Retry-After")),
        )
    try:
        return response.json()
    except ValueError as exc:
        raise GeoServiceError(f"{url}: the answer is not JSON") from exc


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: not worth parsing for a rate limit
