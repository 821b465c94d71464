"""A backup made on one database engine restores into the other, row for row.

The source instance runs in a subprocess on its own database (SQLite when the suite runs
on PostgreSQL; a scratch PostgreSQL database when it runs on SQLite and PostgreSQL is
reachable), makes a backup and a snapshot of every row; this process restores the backup
into the test database and compares.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from tisser.core.tests.test_ops_backup import media_files

ROOT = Path(settings.BASE_DIR)
PG_SERVER = "postgres://postgres@127.0.0.1:5432"

SNAPSHOT = textwrap.dedent(
    """
    import json
    from django.core import serializers
    from tisser.core.backup import ExactJSONEncoder, _models

    def snapshot():
        rows = {}
        for model in _models():
            m2m = {f.name for f in model._meta.many_to_many}
            objects = serializers.serialize("python", model._base_manager.order_by("pk"))
            for obj in objects:
                for name in m2m & set(obj["fields"]):
                    obj["fields"][name] = sorted(obj["fields"][name])
            rows[model._meta.label_lower] = objects
        return json.loads(json.dumps(rows, cls=ExactJSONEncoder))
    """
)

SOURCE = SNAPSHOT + textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from django.apps import apps
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import Group, Permission
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    get = apps.get_model
    User = get("accounts", "User")
    admin = User.objects.create_user(email="admin@example.org", password="x", staff_role="admin")
    rep = User.objects.create_user(email="rep@example.org", password="x", language="en")
    region = get("territories", "Region").objects.create(code="32", name="Hauts-de-France")
    dep = get("territories", "Departement").objects.create(code="62", name="Pas-de-Calais", region=region)
    arras = get("territories", "Commune").objects.create(
        code="62041", name="Arras", search_name="arras", departement=dep, region=region,
        latitude=50.2898123456789, longitude=2.7658,
    )
    cats = [get("directory", "Category").objects.create(name=n, slug=s, position=i)
            for i, (n, s) in enumerate([("Mobilité", "mobilite"), ("Habitat", "habitat")])]
    Organisation = get("directory", "Organisation")
    org = Organisation.objects.create(name="Vélo Solidaire d’Arras", slug="velo-arras",
                                      commune=arras, is_member=True,
                                      description="<p>Ateliers « vélo » & réparations</p>")
    org.logo.save("vélo.png", ContentFile(b"\\x89PNG\\r\\n\\x1a\\n" + bytes(range(256))), save=True)
    org.categories.set(cats)
    person = get("directory", "Person").objects.create(first_name="Rémi", last_name="Rep",
                                                       email=rep.email, user=rep)
    get("directory", "Affiliation").objects.create(person=person, organisation=org,
                                                   is_representative=True)
    get("directory", "Consent").objects.create(
        person=person, purpose="contact", method="paper",
        at=datetime(2026, 5, 28, 9, 30, 12, 345678, tzinfo=timezone.utc))
    get("directory", "OrganisationRevision").objects.create(
        organisation=org, author=admin, source="staff", changes={"nom": [None, org.name]})
    group = Group.objects.create(name="Équipe")
    group.permissions.set(Permission.objects.order_by("-pk")[:4])
    LogEntry.objects.log_actions(user_id=admin.pk, queryset=[org], action_flag=CHANGE)

    call_command("backup", output=sys.argv[1], verbosity=0)
    with open(sys.argv[2], "w") as out:
        json.dump(snapshot(), out)
    """
)


def reachable(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


@pytest.fixture
def other_database(tmp_path):
    """A DATABASE_URL for a fresh database of the other engine; removed afterwards."""
    if connection.vendor == "postgresql":
        yield f"sqlite:///{tmp_path / 'source.sqlite3'}"
        return
    if not reachable("127.0.0.1", 5432):
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432: no second engine to test")
    psycopg = pytest.importorskip("psycopg")
    name = f"tisser_backup_source_{secrets.token_hex(4)}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args, env, cwd):
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def snapshot_here() -> dict:
    namespace: dict = {}
    exec(SNAPSHOT, namespace)  # the very same code as in the source process
    return namespace["snapshot"]()


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_the_other_database_engine(other_database, tmp_path, settings):
    source_dir = tmp_path / "source"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TISSER_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        PYTHONPATH=str(ROOT),  # scripts run from a temporary folder import this tree
        DJANGO_SETTINGS_MODULE="tisser.settings",
        DATABASE_URL=other_database,
        TISSER_DATA_DIR=str(source_dir),
        TISSER_MEDIA_ROOT=str(source_dir / "media"),
    )
    run([sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"], env, ROOT)
    script = tmp_path / "source.py"
    script.write_text("import django\ndjango.setup()\n" + SOURCE)
    archive, expected = tmp_path / "backup.tar.gz", tmp_path / "expected.json"
    run([sys.executable, str(script), str(archive), str(expected)], env, ROOT)

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("restore", str(archive), verbosity=0)
    ContentType.objects.clear_cache()

    source = json.loads(expected.read_text())
    restored = snapshot_here()
    assert source["directory.organisation"], "the source made data"
    for label, rows in source.items():
        assert restored[label] == rows, label
    assert media_files(settings.MEDIA_ROOT) == media_files(source_dir / "media")
