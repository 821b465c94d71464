"""Sirene imports run on the core import engine: their jobs move to its table (the stock
files stay on the server, named in the job's options)."""

import os

from django.db import migrations

from tisser.core.imports.migrating import move_jobs

RESULTS = ("created", "completed", "unchanged")


def _convert(old):
    report = old.report or {}
    read = {k: report[k] for k in ("ess_units", "rows_read", "matched") if k in report}
    run = {k: report[k] for k in RESULTS if k in report}
    fields = {
        "filename": os.path.basename(old.establishments_path)[:255] or "sirene.csv",
        "status": old.status if old.status in {"done", "failed"} else "running",
        "options": {
            "units_path": old.units_path,
            "establishments_path": old.establishments_path,
            "territory": old.territory,
            "naf": old.naf_prefixes,
            "publish": old.publish,
        },
        "total": report.get("organisations", 0),
        "checked": report.get("organisations", 0),
        "done": report.get("organisations", 0) if old.status == "done" else 0,
        "counts": {**read, **({"run": run} if run else {})},
    }
    return fields, b""


def forwards(apps, schema_editor):
    move_jobs(apps, "observatory.SireneImport", "sirene", _convert)


class Migration(migrations.Migration):
    dependencies = [("observatory", "0003_indicator_imports_on_the_engine")]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="SireneImport"),
    ]
