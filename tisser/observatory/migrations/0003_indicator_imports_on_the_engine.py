"""Indicator imports run on the core import engine: their jobs move to its table.

The old jobs kept their rows, not their file: a CSV is written back from those rows so
that a job checked but not yet confirmed can still be confirmed."""

import csv
import io

from django.db import migrations

from tisser.core.imports.migrating import move_jobs

HEADERS = ["code_insee", "annee", "valeur", "niveau", "unite", "theme"]
KEYS = ["code", "year", "value", "level", "unit", "theme"]


def _convert(old):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    for row in old.rows or []:
        writer.writerow([row.get(key, "") or "" for key in KEYS])
    errors = [{"line": e["line"], "messages": e.get("messages", [])} for e in old.errors or []]
    run = {}
    if old.status == "done":
        run = {"created": old.created_count, "updated": old.updated_count}
    fields = {
        "options": {"indicator": old.indicator_id},
        "total": old.total,
        "checked": old.total,
        "done": old.done,
        "errors": errors[:1000],
        "error_count": len(errors),
        "preview": [
            {"line": e["line"], "action": "error", "label": e.get("code", ""),
             "messages": e["messages"]}
            for e in errors[:200]
        ],  # fmt: skip
        "counts": {"run": run} if run else {},
    }
    return fields, buffer.getvalue().encode("utf-8")


def forwards(apps, schema_editor):
    move_jobs(apps, "observatory.IndicatorImport", "indicators", _convert)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_merge_0002_webhooks_0003_import_attempts"),
        ("observatory", "0002_shortlistinvitation"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="IndicatorImport"),
    ]
