"""/health/ reports the database and the broker, quickly, even when the broker is down."""

import socket
import time

import pytest
from django.urls import reverse

from tisser.core.health import check_broker


@pytest.mark.django_db
def test_health_ok_with_the_default_filesystem_broker(client):
    body = client.get(reverse("core:health")).json()
    assert body["status"] == "ok"
    assert body["broker"] == "ok" and body["broker_detail"] == "filesystem"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_unreachable_broker_degrades_without_hanging(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    started = time.monotonic()
    response = client.get(reverse("core:health"))
    assert time.monotonic() - started < 2
    assert response.status_code == 200  # the web still serves pages
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"] == "unreachable"


def test_reachable_tcp_broker():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert check_broker(f"amqp://guest:guest@127.0.0.1:{port}//") == (True, "amqp")


def test_broken_filesystem_broker(settings, tmp_path):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "absent")}
    ok, detail = check_broker("filesystem://")
    assert ok is False and "folder" in detail
