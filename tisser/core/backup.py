"""Backup and restore of a whole Tisser instance: database rows and uploaded files.

One archive (tar.gz) holds:

- `manifest.json`: format version, when, which Django and database made it, the applied
  migrations, the row count of every model, and the size and SHA-256 of every other member;
- `database/NNNN-<app>-<model>.jsonl`: every row of every model, in Django's JSON-lines
  serialisation, primary keys kept. It names no database vendor, so a SQLite backup
  restores into PostgreSQL and back;
- `media/<path>`: every file under MEDIA_ROOT, byte for byte.

Restoring empties the tables and inserts every row, by batches and exactly as stored, in
one transaction (then resets PostgreSQL sequences), so it is all or nothing; files are
unpacked and checked beside MEDIA_ROOT first and swapped in only once the rows are in.
This module knows no domain app: it walks the app registry.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.timezone import is_aware

FORMAT = "tisser-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 2000
#: rows `migrate` creates by itself: their presence does not make a database "in use"
MIGRATE_MADE = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass
class BackupReport:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0


def _models():
    """Every concrete, managed model, in a stable order (auto-created M2M tables are
    serialised with their owner)."""
    found = [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        # Rows a database trigger derives from other tables (`derived_rows = True` on the
        # model): loading those tables writes them again, so they are neither saved nor
        # loaded (loading them too would collide with the trigger's rows).
        and not getattr(model, "derived_rows", False)
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def _label(model) -> str:
    return model._meta.label_lower


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            if is_aware(o):
                raise ValueError("JSON can't represent timezone-aware times.")
            return o.isoformat()
        return super().default(o)


class _FastSerializer(jsonl.Serializer):
    """Django's JSON-lines serialiser, with two costs removed: it builds a query per
    object for many-to-many values even when they were prefetched, and `json.dump`
    encodes in pure Python where `json.dumps` uses the C encoder."""

    def handle_m2m_field(self, obj, field):
        prefetched = getattr(obj, "_prefetched_objects_cache", {})
        if field.remote_field.through._meta.auto_created and field.name in prefetched:
            self._current[field.name] = [
                self._value_from_field(related, related._meta.pk)
                for related in prefetched[field.name]
            ]
        else:
            super().handle_m2m_field(obj, field)

    def end_object(self, obj):
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "\n")
        self._current = None


def _dump_model(model, target: Path, using: str) -> int:
    """Stream one model's rows to JSON lines; many-to-many values are prefetched by chunk."""
    m2m = [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
    queryset = model._base_manager.using(using).order_by("pk")
    if m2m:
        queryset = queryset.prefetch_related(*m2m)
    count = 0

    def counted():
        nonlocal count
        for obj in queryset.iterator(chunk_size=CHUNK):
            count += 1
            yield obj

    with target.open("w", encoding="utf-8") as stream:
        _FastSerializer().serialize(counted(), stream=stream, cls=ExactJSONEncoder)
    return count


def _media_files(root: Path):
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, path.relative_to(root).as_posix()


def make_backup(output: Path | None = None, using: str = DEFAULT_DB_ALIAS) -> BackupReport:
    """Write an archive of the database and MEDIA_ROOT; returns what went into it."""
    now = timezone.now()
    if output is None:
        output = Path(settings.DATA_DIR) / "backups" / f"tisser-{now:%Y%m%d-%H%M%S}.tar.gz"
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    report = BackupReport(path=output)
    connection = connections[using]
    media_root = Path(settings.MEDIA_ROOT)

    with tempfile.TemporaryDirectory(prefix="tisser-backup-") as staging_name:
        staging = Path(staging_name)
        dumps: list[tuple[str, Path]] = []
        # One snapshot of the whole database, so rows written meanwhile never half-appear.
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for index, model in enumerate(_models(), start=1):
                name = f"database/{index:04d}-{_label(model).replace('.', '-')}.jsonl"
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                report.rows[_label(model)] = _dump_model(model, target, using)
                dumps.append((name, target))
            migrations = applied_migrations(using)

        members: dict[str, dict] = {}
        for name, path in dumps:
            members[name] = {"size": path.stat().st_size, "sha256": _sha256(path)}
        media = list(_media_files(media_root))
        for path, relative in media:
            members[f"media/{relative}"] = {"size": path.stat().st_size, "sha256": _sha256(path)}
            report.files += 1
            report.bytes += path.stat().st_size

        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": now.isoformat(),
            "django": django.get_version(),
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "rows": report.rows,
            "members": members,
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o644
            archive.addfile(info, io.BytesIO(data))
            for name, path in dumps:
                archive.add(path, arcname=name, recursive=False)
            for path, relative in media:
                archive.add(path, arcname=f"media/{relative}", recursive=False)
        os.replace(partial, output)
    return report


# -- restore ------------------------------------------------------------------------------


def _safe_member_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"Unsafe path in the archive: {name!r}")
    return path


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.load(archive.extractfile(member))
    except (KeyError, ValueError, TypeError) as exc:
        raise BackupError("This file is not a Tisser backup (no readable manifest.json).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("This file is not a Tisser backup (unknown format).")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(
            "This backup was made by a newer version of Tisser: upgrade Tisser, then restore."
        )
    return manifest


def rows_in_use(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Models holding rows, apart from those `migrate` creates by itself."""
    counts = {}
    for model in _models():
        if _label(model) in MIGRATE_MADE:
            continue
        count = model._base_manager.using(using).count()
        if count:
            counts[_label(model)] = count
    return counts


def _missing_migrations(manifest: dict, using: str) -> list[str]:
    """Migrations the backup's database had that this code does not have applied."""
    here = applied_migrations(using)
    missing = []
    for app_label, names in manifest.get("migrations", {}).items():
        have = set(here.get(app_label, []))
        missing += [f"{app_label}.{name}" for name in names if name not in have]
    return missing


def _unpack_verified(archive: tarfile.TarFile, manifest: dict, target: Path) -> list[str]:
    """Extract every member the manifest lists, checking size and SHA-256; returns names."""
    expected = manifest.get("members", {})
    seen = set()
    for member in archive:
        if member.name == MANIFEST:
            continue
        relative = _safe_member_name(member.name)
        if not member.isfile():
            raise BackupError(f"Unexpected entry in the archive: {member.name!r}")
        if member.name not in expected:
            raise BackupError(f"{member.name!r} is in the archive but not in its manifest.")
        destination = target.joinpath(*relative.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with archive.extractfile(member) as source, destination.open("wb") as sink:
            for block in iter(lambda source=source: source.read(1 << 20), b""):
                digest.update(block)
                sink.write(block)
        info = expected[member.name]
        if digest.hexdigest() != info["sha256"] or destination.stat().st_size != info["size"]:
            raise BackupError(f"{member.name!r} is damaged (its checksum does not match).")
        seen.add(member.name)
    absent = sorted(set(expected) - seen)
    if absent:
        raise BackupError(
            f"The archive is incomplete: {len(absent)} member(s) missing, e.g. {absent[0]!r}."
        )
    return sorted(seen)


def _media_in_use(media_root: Path) -> bool:
    return any(True for _ in _media_files(media_root))


def restore_backup(path: Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Replace the database rows and MEDIA_ROOT by the archive's. Refuses to overwrite
    anything that holds data unless `force`; returns the manifest's row counts."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such file: {path}")
    media_root = Path(settings.MEDIA_ROOT)
    in_use = rows_in_use(using)
    if not force and (in_use or _media_in_use(media_root)):
        described = ", ".join(f"{label}: {count}" for label, count in sorted(in_use.items())[:6])
        raise BackupError(
            "The database or the uploaded files are not empty"
            + (f" ({described})" if described else "")
            + ". Restoring would replace them: run again with --force to do so."
        )
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a readable tar.gz archive.") from exc
    with archive:
        manifest = read_manifest(archive)
        missing = _missing_migrations(manifest, using)
        if missing:
            raise BackupError(
                "This backup comes from a database with migrations this installation has not "
                f"applied ({', '.join(missing[:5])}). Run `manage.py migrate` or install the "
                "matching version of Tisser, then restore."
            )
        media_root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".tisser-restore-", dir=media_root.parent))
        try:
            names = _unpack_verified(archive, manifest, staging)
            fixtures = [
                str(staging / name)
                for name in names
                if name.startswith("database/") and manifest["members"][name]["size"] > 0
            ]
            _load_rows(fixtures, using)
            _swap_media(staging / "media", media_root)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return manifest.get("rows", {})


def _load_rows(fixtures: list[str], using: str) -> None:
    """Empty every table and load the archive's rows, all in one transaction."""
    from django.contrib.contenttypes.models import ContentType

    connection = connections[using]
    loaded = []
    with transaction.atomic(using=using):
        # No post_migrate: content types and permissions come from the archive, with
        # their original keys, so every reference to them stays right.
        call_command(
            "flush", database=using, interactive=False, inhibit_post_migrate=True, verbosity=0
        )
        for fixture in fixtures:
            loaded += _load_file(Path(fixture), using)
        if loaded:
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
                    cursor.execute(statement)
    ContentType.objects.clear_cache()


def _load_file(path: Path, using: str) -> list:
    """Insert one model's rows in batches, exactly as stored ("raw": no `save()`, no
    signals, no `auto_now`), then its many-to-many links. Foreign keys are checked when
    the transaction commits, so the order of files does not matter.

    `loaddata` would do the same one row at a time (two queries per row): minutes instead
    of seconds for a network with tens of thousands of contacts.
    """
    connection = connections[using]
    models, batch, links = set(), [], {}

    def flush_batch():
        if not batch:
            return
        model = type(batch[0])
        fields = list(model._meta.local_concrete_fields)
        size = connection.ops.bulk_batch_size(fields, batch) or len(batch)
        for start in range(0, len(batch), size):
            model._base_manager.using(using)._insert(
                batch[start : start + size], fields=fields, using=using, raw=True
            )
        batch.clear()

    with path.open(encoding="utf-8") as stream:
        for item in serializers.deserialize("jsonl", stream, using=using):
            obj = item.object
            models.add(type(obj))
            batch.append(obj)
            for name, targets in (item.m2m_data or {}).items():
                links.setdefault(name, []).extend((obj.pk, target) for target in targets)
            if len(batch) >= CHUNK:
                flush_batch()
    flush_batch()

    for model in list(models):
        for m2m in model._meta.many_to_many:
            pairs = links.get(m2m.name)
            through = m2m.remote_field.through
            if not pairs or not through._meta.auto_created:
                continue
            source = through._meta.get_field(m2m.m2m_field_name()).attname
            target = through._meta.get_field(m2m.m2m_reverse_field_name()).attname
            rows = [through(**{source: a, target: b}) for a, b in pairs]
            through._base_manager.using(using).bulk_create(rows, batch_size=CHUNK)
            models.add(through)
    return list(models)


def _swap_media(unpacked: Path, media_root: Path) -> None:
    """Empty MEDIA_ROOT and move the unpacked files in. The folder itself stays (it may be
    a mount point); the files were unpacked on the same file system, so moves are cheap."""
    media_root.mkdir(parents=True, exist_ok=True)
    for entry in media_root.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if unpacked.is_dir():
        for entry in unpacked.iterdir():
            os.replace(entry, media_root / entry.name)
