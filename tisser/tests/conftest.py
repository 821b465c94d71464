"""The demo network (`make run` loads the same), loaded once per test module."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

DEMO_COMMANDS = (
    "load_territories",
    "load_demo",
    "load_demo_memberships",
    "load_demo_events",
    "load_demo_governance",
    "load_demo_publications",
    "load_demo_observatory",
)


@pytest.fixture(scope="module")
def demo_network(django_db_setup, django_db_blocker, tmp_path_factory):
    """Loaded by the demo's own commands inside a transaction rolled back after the
    module's tests (each test runs in a savepoint of it: use the `db` fixture too)."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            for command in DEMO_COMMANDS:
                call_command(command, verbosity=0)
            if connection.vendor == "postgresql":
                # Rows written in this open transaction are invisible to autovacuum: the
                # planner would take every table for empty and nest loops of sequential
                # scans (a register page ran for minutes). ANALYZE sees them, as a
                # production database's autovacuum would.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
