from django.db import migrations


def install_map_totals(apps, schema_editor):
    """PostgreSQL too: the per-cell totals, kept as deltas by statement triggers and folded
    by a periodic task (map_totals.py). 0009 installed them on SQLite only; idempotent."""
    from tisser.directory.map.totals import install_map_totals

    install_map_totals(schema_editor.connection)


def remove_map_totals(apps, schema_editor):
    from tisser.directory.map.totals import remove_map_totals

    if schema_editor.connection.vendor == "postgresql":
        remove_map_totals(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0009_map_cell_totals"),
    ]

    operations = [
        migrations.RunPython(install_map_totals, remove_map_totals, elidable=True),
    ]
