"""Outgoing webhooks: domains emit events, this module signs and delivers them.

An app declares its events once (`register_event` in its `AppConfig.ready`) and calls
`emit(event, data)` inside the transaction that made the change, with `data` built from
its API schema. `emit` writes one `WebhookDelivery` per active endpoint that listens, and
queues their delivery after commit; the worker posts them (`deliver`), retries with
back-off, keeps the log, and disables an endpoint after repeated failures (the signal
`endpoint_disabled` lets accounts email the administrators).

Each request carries `Tisser-Webhook-Id` (the idempotency key: the same for a retry or a
re-send), `Tisser-Webhook-Event`, `Tisser-Webhook-Timestamp` (Unix seconds) and
`Tisser-Webhook-Signature: v1=<hex>`, the HMAC-SHA256 with the endpoint's secret of
`"<timestamp>.<body>"`: a receiver recomputes it and refuses old timestamps (replays).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from . import copies
from .models import WebhookDelivery, WebhookEndpoint

#: event name -> label shown to staff; filled by the apps (`register_event`).
EVENTS: dict[str, object] = {}
#: Sent after commit when an endpoint is disabled for failing; `endpoint` is the row.
endpoint_disabled = Signal()

#: Seconds before each retry: 30 s, 2 min, 8 min, 32 min, about 2 h.
BACKOFF = [30, 120, 480, 1920, 7680]
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT = 10.0
#: Requests in flight at once per batch (over pooled keep-alive connections).
CONCURRENCY = 8
USER_AGENT = "Tisser-Webhooks/1"


def register_event(name: str, label) -> None:
    EVENTS[name] = label


def event_choices() -> list[tuple[str, object]]:
    return sorted(EVENTS.items())


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int | str, body: bytes | str) -> str:
    """`v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`."""
    if isinstance(body, str):
        body = body.encode()
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance=300) -> bool:
    """What a receiver does (also the documentation's example): the right signature, sent
    less than `tolerance` seconds ago."""
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """An endpoint's address: `https://` in production; `http://` only while debugging, or
    to this machine where the settings allow it (the tests' receiver)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError(_("Enter a full web address, starting with https://."))
    if parts.scheme == "http" and not (
        settings.DEBUG
        or (
            getattr(settings, "TISSER_WEBHOOKS_ALLOW_LOOPBACK", False) and _loopback(parts.hostname)
        )
    ):
        raise ValidationError(_("A webhook address must start with https://."))
    return url.strip()


def check_events(events) -> list[str]:
    chosen = sorted(set(events or []))
    if not chosen or set(chosen) - set(EVENTS):
        raise ValidationError(_("Choose at least one event from the list."))
    return chosen


def create_endpoint(*, url: str, events, description: str = "", by=None) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        url=check_url(url),
        events=check_events(events),
        description=description.strip()[:200],
        secret=new_secret(),
        created_by=by,
    )


def update_endpoint(endpoint: WebhookEndpoint, *, url: str, events, description: str = ""):
    endpoint.url = check_url(url)
    endpoint.events = check_events(events)
    endpoint.description = description.strip()[:200]
    endpoint.save(update_fields=["url", "events", "description"])
    return endpoint


def set_active(endpoint: WebhookEndpoint, active: bool) -> None:
    endpoint.is_active = active
    if active:
        endpoint.failures = 0
        endpoint.disabled_at = None
    endpoint.save(update_fields=["is_active", "failures", "disabled_at"])


#: How long a copy of the events listened to is kept (`core.copies`); an endpoint's
#: change drops it at once.
LISTENED_SECONDS = 300


def listened_events() -> frozenset[str]:
    """The events some active endpoint listens to, from this process's copy: a
    registration (the hot path) asks the database only after a change."""
    return copies.read_copy("webhooks:listened", _listened_now, LISTENED_SECONDS)


def _listened_now() -> frozenset[str]:
    return frozenset(
        name
        for events in WebhookEndpoint.objects.filter(is_active=True).values_list(
            "events", flat=True
        )
        for name in events
    )


@receiver([post_save, post_delete], sender=WebhookEndpoint, dispatch_uid="webhooks.listened")
def _endpoints_changed(**kwargs) -> None:
    copies.changed()


def emit(event: str, data) -> list[int]:
    """Record `event` for every active endpoint listening to it; delivered after commit.

    Call it inside the transaction that made the change: if it rolls back, nothing is sent.
    `data` is the payload, or a function returning it (called only if someone listens).
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}: register it first")
    if event not in listened_events():
        return []
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if event in e.events]
    if not endpoints:
        return []
    now = timezone.now()
    if callable(data):
        data = data()
    rows = []
    for endpoint in endpoints:
        key = uuid.uuid4()
        body = json.dumps(
            {"id": str(key), "event": event, "created_at": now.isoformat(), "data": data},
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        rows.append(WebhookDelivery(endpoint=endpoint, event=event, key=key, body=body))
    created = WebhookDelivery.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    queue(ids)
    return ids


#: Deliveries per task: a transaction that emits many events (an import, a bulk change)
#: queues a few tasks, each posting its batch through one pooled connection.
BATCH = 500


class _Batch:
    """The deliveries emitted in the current transaction, queued once it commits."""

    def __init__(self):
        self.ids: list[int] = []

    def send(self):
        from .tasks import deliver_webhooks

        for start in range(0, len(self.ids), BATCH):
            deliver_webhooks.delay(self.ids[start : start + BATCH])


def queue(ids: list[int], countdown: int | None = None) -> None:
    """Queue deliveries after commit: retries with their back-off, new ones in one batch
    per transaction."""
    from .tasks import deliver_webhooks

    if countdown:
        transaction.on_commit(lambda: deliver_webhooks.apply_async((ids,), countdown=countdown))
        return
    connection = transaction.get_connection()
    batch = getattr(connection, "tisser_webhook_batch", None)
    # A batch whose callback is gone (run, or dropped by a rollback) is not reused.
    if batch is None or not any(entry[1] == batch.send for entry in connection.run_on_commit):
        batch = connection.tisser_webhook_batch = _Batch()
        batch.ids.extend(ids)
        transaction.on_commit(batch.send)
    else:
        batch.ids.extend(ids)


def resend(delivery: WebhookDelivery) -> None:
    """Send a delivery again (same body and key, so the receiver can tell it is the same)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=None
    )
    queue([delivery.pk])


def _excerpt(response: httpx.Response) -> str:
    try:
        text = response.text
    except (UnicodeDecodeError, LookupError):
        text = repr(response.content[:200])
    return text.replace("\x00", "")[:500]


def deliver(ids: list[int], *, client: httpx.Client | None = None) -> dict:
    """Post the deliveries still to send among `ids`, through one pooled HTTP client.

    Each row records its attempt; failures are retried later (`BACKOFF`), an endpoint that
    keeps failing is disabled. Returns counts (`delivered`, `retrying`, `failed`)."""
    rows = list(
        WebhookDelivery.objects.filter(
            pk__in=ids,
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING],
            endpoint__is_active=True,
        ).select_related("endpoint")
    )
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    if not rows:
        return counts
    own = client is None
    client = client or httpx.Client(
        timeout=TIMEOUT,
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
        limits=httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY),
    )
    retry: dict[int, list[int]] = {}
    try:
        # A few requests in flight at once: a receiver's latency, not ours, sets the pace.
        with ThreadPoolExecutor(max_workers=min(CONCURRENCY, len(rows))) as pool:
            results = list(pool.map(lambda row: _attempt(client, row), rows))
        for row, ok in zip(rows, results, strict=True):
            if ok:
                counts["delivered"] += 1
            elif row.status == WebhookDelivery.Status.RETRYING:
                counts["retrying"] += 1
                retry.setdefault(BACKOFF[row.attempts - 1], []).append(row.pk)
            else:
                counts["failed"] += 1
    finally:
        if own:
            client.close()
    with transaction.atomic():
        _save_attempts(rows)
        _count_failures(rows)
        for countdown, pks in retry.items():
            queue(pks, countdown=countdown)
    return counts


ATTEMPT_FIELDS = (
    "status", "attempts", "response_status", "response_excerpt", "duration_ms",
    "last_attempt_at", "next_attempt_at",
)  # fmt: skip


def _save_attempts(rows: list[WebhookDelivery]) -> None:
    """One `UPDATE … WHERE id = %s` per row, sent with `executemany` (a pipeline on
    PostgreSQL): Django's `bulk_update` builds CASE expressions that took seconds for a
    batch of 500."""
    from django.db import connection

    meta = WebhookDelivery._meta
    fields = [meta.get_field(name) for name in ATTEMPT_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _attempt(client: httpx.Client, row: WebhookDelivery) -> bool:
    endpoint = row.endpoint
    timestamp = str(int(time.time()))
    body = row.body.encode()
    headers = {
        "Content-Type": "application/json",
        "Tisser-Webhook-Id": str(row.key),
        "Tisser-Webhook-Event": row.event,
        "Tisser-Webhook-Timestamp": timestamp,
        "Tisser-Webhook-Signature": sign(endpoint.secret, timestamp, body),
    }
    started = time.perf_counter()
    now = timezone.now()
    row.attempts += 1
    row.last_attempt_at = now
    try:
        response = client.post(endpoint.url, content=body, headers=headers)
        row.response_status = response.status_code
        row.response_excerpt = _excerpt(response)
        ok = 200 <= response.status_code < 300
    except httpx.HTTPError as exc:
        row.response_status = None
        row.response_excerpt = f"{type(exc).__name__}: {exc}"[:500]
        ok = False
    row.duration_ms = round((time.perf_counter() - started) * 1000)
    if ok:
        row.status = WebhookDelivery.Status.DELIVERED
        row.next_attempt_at = None
    elif row.attempts < MAX_ATTEMPTS:
        row.status = WebhookDelivery.Status.RETRYING
        row.next_attempt_at = now + dt.timedelta(seconds=BACKOFF[row.attempts - 1])
    else:
        row.status = WebhookDelivery.Status.FAILED
        row.next_attempt_at = None
    return ok


def _count_failures(rows: list[WebhookDelivery]) -> None:
    """Successes reset an endpoint's count of failures in a row; past the limit, it is
    disabled (its pending deliveries wait until staff turn it back on)."""
    limit = settings.TISSER_WEBHOOKS_DISABLE_AFTER
    per_endpoint: dict[int, list[WebhookDelivery]] = {}
    for row in rows:
        per_endpoint.setdefault(row.endpoint_id, []).append(row)
    for endpoint_id, attempts in per_endpoint.items():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
        failures = endpoint.failures
        for row in attempts:
            failures = 0 if row.status == WebhookDelivery.Status.DELIVERED else failures + 1
        endpoint.failures = failures
        fields = ["failures"]
        if endpoint.is_active and limit and failures >= limit:
            endpoint.is_active = False
            endpoint.disabled_at = timezone.now()
            fields += ["is_active", "disabled_at"]
            transaction.on_commit(
                lambda e=endpoint: endpoint_disabled.send(sender=WebhookEndpoint, endpoint=e)
            )
        endpoint.save(update_fields=fields)
