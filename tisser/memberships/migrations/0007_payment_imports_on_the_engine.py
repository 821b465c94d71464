"""HelloAsso imports run on the core import engine: their jobs move to its table."""

from django.db import migrations

from tisser.core.imports.migrating import move_jobs


def _convert(old):
    report = old.report or {}
    preview, errors = [], []
    for row in report.get("rows", []):
        action = "error" if row.get("errors") else "skip" if row.get("skipped") else "create"
        if action == "create" and row.get("duplicate"):
            action = "existing"
        preview.append(
            {"line": row["line"], "action": action, "label": row.get("name", ""),
             "messages": row.get("errors", [])}
        )  # fmt: skip
        if row.get("errors"):
            errors.append({"line": row["line"], "messages": row["errors"]})
    counts = {"run": old.result} if old.result else {}
    fields = {
        "total": old.total,
        "checked": old.total,
        "done": old.done,
        "preview": preview[:200],
        "errors": errors[:1000],
        "error_count": old.error_count,
        "counts": counts,
        "started_at": old.started_at,
    }
    return fields, bytes(old.raw or b"")


def forwards(apps, schema_editor):
    move_jobs(apps, "memberships.PaymentImport", "helloasso", _convert)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_merge_0002_webhooks_0003_import_attempts"),
        ("memberships", "0006_membership_validated_index"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="PaymentImport"),
    ]
