# The email index declared in Meta.indexes instead of `db_index`: on PostgreSQL,
# `db_index` also made a `varchar_pattern_ops` index (`LIKE 'prefix%'`) that no query
# uses and every import of contacts paid for. Written by hand: Django's AlterField would
# also drop the partial unique index `person_unique_email` (an index on the same column).

from django.db import migrations, models

OLD = "directory_person_email_cd5c0aa8"  # the names `db_index` gave
INDEX = models.Index(fields=["email"], name="person_email")


def forwards(apps, schema_editor):
    Person = apps.get_model("directory", "Person")
    table = Person._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(cursor, table)
    for name, info in found.items():
        if info["index"] and not info["unique"] and info["columns"] == ["email"]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")
    schema_editor.add_index(Person, INDEX)


def backwards(apps, schema_editor):
    Person = apps.get_model("directory", "Person")
    schema_editor.remove_index(Person, INDEX)
    schema_editor.execute(f'CREATE INDEX "{OLD}" ON "directory_person" ("email")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{OLD}_like" ON "directory_person" ("email" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0020_map_positions_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="email",
                    field=models.EmailField(
                        blank=True, default="", max_length=254, verbose_name="email"
                    ),
                ),
                migrations.AddIndex(model_name="person", index=INDEX),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
