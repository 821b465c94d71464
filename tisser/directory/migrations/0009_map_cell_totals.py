from django.db import migrations


def install_map_totals(apps, schema_editor):
    """SQLite: the per-cell totals of the whole map, kept by triggers (map_totals.py says
    why, and why not on PostgreSQL)."""
    from tisser.directory.map.totals import install_map_totals

    install_map_totals(schema_editor.connection)


def remove_map_totals(apps, schema_editor):
    from tisser.directory.map.totals import remove_map_totals

    remove_map_totals(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0008_organisation_search_vector"),
    ]

    operations = [
        migrations.RunPython(install_map_totals, remove_map_totals, elidable=True),
    ]
