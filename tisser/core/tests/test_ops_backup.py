"""Backup then restore loses nothing: every row of every model, every uploaded file."""

import hashlib
import io
import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tisser.core.backup import _models

# A real 1×1 PNG, and a file whose bytes would break any text-mode copy.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cfc0f01f0005000201a5f3c1a20000000049454e44ae426082"
)
BINARY = bytes(range(256)) * 40 + b"\r\n\x00\x1a"


def snapshot() -> dict[str, list[dict]]:
    """Every row of every model as plain data (many-to-many values sorted)."""
    rows = {}
    for model in _models():
        objects = serializers.serialize("python", model._base_manager.order_by("pk"))
        for obj in objects:
            for name, value in obj["fields"].items():
                if isinstance(value, list) and name in {f.name for f in model._meta.many_to_many}:
                    obj["fields"][name] = sorted(value)
        rows[model._meta.label_lower] = objects
    return rows


def media_files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def network(role_users, media_root):
    """A small network touching every app: territories, categories, logos, people,
    consents, revisions, proposals, staff, permissions, admin history."""
    Region = apps.get_model("territories", "Region")
    Departement = apps.get_model("territories", "Departement")
    Commune = apps.get_model("territories", "Commune")
    Category = apps.get_model("directory", "Category")
    Person = apps.get_model("directory", "Person")
    Consent = apps.get_model("directory", "Consent")
    Revision = apps.get_model("directory", "OrganisationRevision")
    Proposal = apps.get_model("directory", "Proposal")

    region = Region.objects.create(code="32", name="Hauts-de-France", population=5_997_734)
    nord = Departement.objects.create(code="59", name="Nord", region=region)
    lille = Commune.objects.create(
        code="59350",
        name="Lille",
        search_name="lille",
        departement=nord,
        region=region,
        postcodes="59000 59160 59260 59777 59800",
        latitude=50.6311,
        longitude=3.0468,
    )
    food = Category.objects.create(name="Alimentation", slug="alimentation", position=1)
    third = Category.objects.create(name="Tiers-lieux", slug="tiers-lieux", position=2)

    own = role_users["own_organisation"]
    own.commune = lille
    own.description = "<p>Épicerie <strong>solidaire</strong> — « bio » & locale ✓</p>"
    own.logo.save("épicerie logo.png", ContentFile(PNG), save=False)
    own.save()
    own.categories.set([food, third])
    role_users["other_organisation"].categories.set([third])

    person = Person.objects.get(user=role_users["representative"])
    Consent.objects.create(
        person=person,
        purpose="newsletter",
        at=datetime(2026, 5, 28, 9, 30, tzinfo=UTC),
        method="web_form",
        wording="J’accepte de recevoir l’infolettre.",
    )
    Revision.objects.create(
        organisation=own,
        author=role_users["editor"],
        source="staff",
        changes={"name": ["Coop", "Coop Manau"], "categories": [[], ["alimentation"]]},
        note="Création",
    )
    proposal = Proposal.objects.create(
        kind="new",
        data={"name": "Ressourcerie du Vieux-Lille", "commune": "59350"},
        proposer_name="Zoé",
        proposer_email="zoe@example.org",
    )
    proposal.logo.save("proposition.png", ContentFile(PNG), save=True)
    (media_root / "divers" / "sous dossier").mkdir(parents=True)
    (media_root / "divers" / "sous dossier" / "données.bin").write_bytes(BINARY)

    group = Group.objects.create(name="Modération")
    group.permissions.set(Permission.objects.filter(codename__startswith="change_")[:3])
    LogEntry.objects.log_actions(
        user_id=role_users["admin"].pk, queryset=[own], action_flag=ADDITION, change_message="+"
    )
    return role_users


def full_text_hits(word: str) -> list[int]:
    """What the organisations' full-text index finds (SQLite's FTS5 table is filled by
    triggers, outside Django's models: a restore must leave it right too)."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM directory_organisation_fts WHERE directory_organisation_fts "
            "MATCH %s ORDER BY rowid",
            [f"{word}*"],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_round_trip_loses_nothing(network, media_root, tmp_path):
    apps.get_model("directory", "Organisation").objects.filter(
        pk=network["own_organisation"].pk
    ).update(search_text="coop manau epicerie")
    hits_before = full_text_hits("epicer")
    before = snapshot()
    files_before = media_files(media_root)
    assert len(files_before) == 3
    assert sum(len(rows) for rows in before.values()) > 30

    archive = tmp_path / "sauvegarde.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())

    call_command("flush", interactive=False, verbosity=0)
    for path in media_root.iterdir():
        path.rename(tmp_path / f"gone-{path.name}")
    assert not media_files(media_root)

    call_command("restore", str(archive), stdout=io.StringIO())
    ContentType.objects.clear_cache()

    after = snapshot()
    for label, rows in before.items():
        for old, new in zip(rows, after[label], strict=True):
            diff = {
                k: (v, new["fields"].get(k))
                for k, v in old["fields"].items()
                if new["fields"].get(k) != v
            }
            assert not diff, (label, old["pk"], diff)
    assert after == before
    assert full_text_hits("epicer") == hits_before
    if connection.vendor == "sqlite":
        assert hits_before == [network["own_organisation"].pk]
    assert media_files(media_root) == files_before
    own = network["own_organisation"].__class__.objects.get(pk=network["own_organisation"].pk)
    assert own.logo.read() == PNG

    if connection.vendor == "postgresql":
        # Sequences follow the restored keys: new rows do not collide with old ones.
        Category = apps.get_model("directory", "Category")
        assert Category.objects.create(name="Mobilité", slug="mobilite").pk > max(
            row["pk"] for row in before["directory.category"]
        )
        User = apps.get_model("accounts", "User")
        assert User.objects.create_user(email="apres@example.org").pk > max(
            row["pk"] for row in before["accounts.user"]
        )


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_to_overwrite_data_without_force(network, media_root, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    Category = apps.get_model("directory", "Category")
    Category.objects.create(name="Ajoutée après", slug="ajoutee-apres")

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Category.objects.filter(slug="ajoutee-apres").exists()

    call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert not Category.objects.filter(slug="ajoutee-apres").exists()
    assert Category.objects.filter(slug="alimentation").exists()


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_changes_nothing(network, media_root, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    # Rewrite one uploaded file inside the archive without updating the manifest.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.endswith("données.bin"):
                data = data[:-1] + b"X"
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    before = snapshot()
    files_before = media_files(media_root)
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), force=True, stdout=io.StringIO())
    assert snapshot() == before
    assert media_files(media_root) == files_before


@pytest.mark.django_db
def test_restore_explains_what_is_wrong_with_the_file(media_root, tmp_path):
    not_tar = tmp_path / "notes.txt"
    not_tar.write_text("bonjour")
    with pytest.raises(CommandError, match="not a readable tar.gz"):
        call_command("restore", str(not_tar))
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as archive:
        data = json.dumps({"hello": 1}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="not a Tisser backup"):
        call_command("restore", str(other))
    with pytest.raises(CommandError, match="No such file"):
        call_command("restore", str(tmp_path / "absent.tar.gz"))


@pytest.mark.django_db
def test_manifest_describes_the_archive(network, media_root, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    with tarfile.open(archive, "r:gz") as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
        names = set(opened.getnames())
    assert manifest["format"] == "tisser-backup"
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["rows"]["directory.category"] == 2
    assert "accounts" in manifest["migrations"]
    assert names == {"manifest.json", *manifest["members"]}
    assert any(name.startswith("media/logos/") for name in names)
