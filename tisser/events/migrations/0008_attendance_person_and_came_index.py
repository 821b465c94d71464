"""Attendance rows carry their registration's person (copied, filled here for existing
rows), with a partial index on (session, person) of the people who came: segments then
read who came from one table instead of joining every registration."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0015_merge_0014_person_match_keys_and_merges_0014_segment'),
        ('events', '0007_registration_recent_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='attendance',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='directory.person'),
        ),
        migrations.RunSQL(
            "UPDATE events_attendance SET person_id = (SELECT r.person_id FROM "
            "events_registration r WHERE r.id = events_attendance.registration_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='attendance',
            index=models.Index(condition=models.Q(('attended', True)), fields=['session', 'person'], name='attendance_came'),
        ),
    ]
