"""What `/health/` checks: the database (required) and the task broker (reported).

A broker outage does not take the web process out of a load balancer's rotation (pages
still work; tasks wait), so it turns the status to "degraded", not to an error. Every
check is bounded by a short timeout so the endpoint never hangs.
"""

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection

BROKER_TIMEOUT = 0.5
DEFAULT_PORTS = {"redis": 6379, "rediss": 6380, "amqp": 5672, "amqps": 5671, "pyamqp": 5672}


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return False, str(exc)[:200]
    return True, connection.vendor


def check_broker(url: str | None = None) -> tuple[bool | None, str]:
    """(True, transport) when reachable, (False, reason) when not, (None, transport) when
    this kind of broker is not checked here."""
    url = url if url is not None else settings.CELERY_BROKER_URL
    scheme = url.split("://", 1)[0].lower()
    if scheme == "filesystem":
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        folder = Path(options.get("data_folder_in", ""))
        if folder.is_dir() and os.access(folder, os.W_OK):
            return True, "filesystem"
        return False, "filesystem: broker folder missing or not writable"
    if scheme in DEFAULT_PORTS:
        parts = urlsplit(url)
        host, port = parts.hostname or "localhost", parts.port or DEFAULT_PORTS[scheme]
        try:
            with socket.create_connection((host, port), timeout=BROKER_TIMEOUT):
                pass
        except OSError as exc:
            return False, f"{scheme}: {exc.strerror or exc.__class__.__name__}"
        return True, scheme
    return None, scheme
