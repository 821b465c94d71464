"""A small client for HelloAsso's API v5 (OAuth2 client credentials, httpx, timeouts).

Only what memberships need: a payment by id (to confirm a notification) and the
organisation's payments since a date (to catch up on missed notifications). The token is
kept until shortly before it expires and fetched again once on a 401.
"""

from __future__ import annotations

import time

import httpx
from django.conf import settings

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class HelloAssoError(Exception):
    """HelloAsso could not be reached or answered something unusable."""


class HelloAssoNotFound(HelloAssoError):
    pass


class HelloAssoClient:
    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        organization_slug: str = "",
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.organization_slug = organization_slug
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": "Tisser (memberships)"},
        )
        self._token = ""
        self._token_expires = 0.0

    @classmethod
    def from_settings(cls) -> HelloAssoClient | None:
        """The configured client, or None when HelloAsso's API is not set up."""
        client_id = getattr(settings, "TISSER_HELLOASSO_CLIENT_ID", "")
        secret = getattr(settings, "TISSER_HELLOASSO_CLIENT_SECRET", "")
        if not (client_id and secret):
            return None
        return cls(
            base_url=getattr(settings, "TISSER_HELLOASSO_API_URL", "https://api.helloasso.com"),
            client_id=client_id,
            client_secret=secret,
            organization_slug=getattr(settings, "TISSER_HELLOASSO_ORGANIZATION", ""),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- authentication ---------------------------------------------------------------

    def _fetch_token(self) -> str:
        try:
            response = self._http.post(
                "/oauth2/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                },
            )
        except httpx.HTTPError as error:
            raise HelloAssoError(f"HelloAsso token request failed: {error}") from error
        if response.status_code != 200:
            raise HelloAssoError(f"HelloAsso refused the credentials ({response.status_code})")
        body = response.json()
        self._token = body["access_token"]
        self._token_expires = time.monotonic() + float(body.get("expires_in", 1800)) - 60
        return self._token

    def token(self) -> str:
        if not self._token or time.monotonic() >= self._token_expires:
            return self._fetch_token()
        return self._token

    def _get(self, path: str, params: dict | None = None) -> dict:
        for attempt in (1, 2):
            try:
                response = self._http.get(
                    path, params=params, headers={"Authorization": f"Bearer {self.token()}"}
                )
            except httpx.HTTPError as error:
                raise HelloAssoError(f"HelloAsso request failed: {error}") from error
            if response.status_code == 401 and attempt == 1:
                self._token = ""  # expired early or revoked: once more with a new token
                continue
            if response.status_code == 404:
                raise HelloAssoNotFound(path)
            if response.status_code != 200:
                raise HelloAssoError(f"HelloAsso answered {response.status_code} for {path}")
            return response.json()
        raise HelloAssoError("HelloAsso keeps refusing the token")

    # --- resources --------------------------------------------------------------------

    def payment(self, payment_id) -> dict:
        """GET /v5/payments/{paymentId}: the payment with its order, payer and items."""
        return self._get(f"/v5/payments/{int(payment_id)}")

    def organization_payments(self, *, since=None, page_size: int = 100):
        """Every payment of the organisation (since a date), following continuation tokens."""
        if not self.organization_slug:
            raise HelloAssoError("TISSER_HELLOASSO_ORGANIZATION is not set")
        params = {"pageSize": page_size}
        if since is not None:
            params["from"] = since.isoformat()
        while True:
            body = self._get(f"/v5/organizations/{self.organization_slug}/payments", params)
            rows = body.get("data") or []
            yield from rows
            token = (body.get("pagination") or {}).get("continuationToken")
            if not rows or not token or len(rows) < page_size:
                return
            params["continuationToken"] = token
