"""Stored outlines become what RFC 7946 asks: valid polygons wound counter-clockwise.

Decides: every non-empty outline of a région, département or commune is re-written by
`territories.geometry.clean_outline` (snapped to 5 decimals, repaired where it crossed
itself, outer rings counter-clockwise); one that cannot be read is left as it was.
"""

import json

from django.db import migrations


def clean_stored_outlines(apps, schema_editor):
    from shapely.errors import ShapelyError

    from tisser.territories.geometry import clean_outline

    for name in ("Region", "Departement", "Commune"):
        model = apps.get_model("territories", name)
        changed = []
        for row in model.objects.exclude(outline="").only("pk", "outline").iterator(2000):
            try:
                cleaned = json.dumps(
                    clean_outline(json.loads(row.outline), decimals=5), separators=(",", ":")
                )
            except (ValueError, TypeError, KeyError, IndexError, ShapelyError):
                continue
            if cleaned != row.outline:
                row.outline = cleaned
                changed.append(row)
        model.objects.bulk_update(changed, ["outline"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("territories", "0002_search_names_and_refresh")]

    operations = [migrations.RunPython(clean_stored_outlines, migrations.RunPython.noop)]
