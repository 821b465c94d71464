from django.db import migrations


def install_search_vector(apps, schema_editor):
    """PostgreSQL: the stored `search_vector` column (text words D, filter words A) and its
    GIN index, in place of the index on the text alone (search.py says why). SQLite: no
    change (its FTS5 table already holds both)."""
    from tisser.directory.map.search import install_search_index

    install_search_index(schema_editor.connection)
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("ANALYZE directory_organisation")


def remove_search_vector(apps, schema_editor):
    """Back to 0007: the GIN index on the text alone."""
    from tisser.directory.map.search import remove_search_vector

    remove_search_vector(schema_editor.connection)
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS directory_organisation_search_gin "
                "ON directory_organisation USING gin (to_tsvector('simple', search_text))"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_organisation_filter_tags"),
    ]

    operations = [
        migrations.RunPython(install_search_vector, remove_search_vector, elidable=True),
    ]
