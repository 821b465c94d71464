"""Affiliations record how they were established: claimed, verified or refused.

What the data step decides for the links that exist (they carry no provenance yet):

- the demo's people (addresses at ``demo.example`` and ``demo.tisser.fr``) stay verified,
  marked as set up by the demo;
- a link created while a directory import ran (inside the job's start and finish, for an
  address the file named as contact) becomes a *claim* from that import, a representative
  one if the link was a representative (the issue counts imports among claims);
- every other link stays *verified*, as set by staff: until now only the staff pages, the
  admin, the demo and the public doors created links, and the public doors (the membership
  form, HelloAsso payments and imports of them, event registrations) are turned into claims
  by the memberships and events apps' own migrations, which know those doors.
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


DEMO_DOMAINS = ("@demo.example", "@demo.tisser.fr")
MARGIN = datetime.timedelta(seconds=5)


def mark_provenance(apps, schema_editor):
    Affiliation = apps.get_model("directory", "Affiliation")
    ImportJob = apps.get_model("directory", "ImportJob")
    for domain in DEMO_DOMAINS:
        Affiliation.objects.filter(person__email__endswith=domain).update(source="demo")
    jobs = ImportJob.objects.filter(status="done").exclude(started_at=None).exclude(finished_at=None)
    for job in jobs.iterator():
        emails = {
            str((row.get("values") or {}).get("contact_email") or "").strip().lower()
            for row in (job.rows or [])
            if isinstance(row, dict) and isinstance(row.get("values"), dict)
        } - {""}
        if not emails:
            continue
        created = Affiliation.objects.filter(
            created_at__gte=job.started_at - MARGIN,
            created_at__lte=job.finished_at + MARGIN,
            person__email__in=emails,
        ).exclude(source="demo")
        for affiliation in created.select_related("person"):
            affiliation.claims_representation = affiliation.is_representative
            affiliation.is_representative = False
            affiliation.status = "claimed"
            affiliation.source = "import"
            affiliation.claimed_at = affiliation.created_at
            affiliation.claim_email = affiliation.person.email
            affiliation.claim_detail = job.filename[:200]
            affiliation.claim_nonce = "migrated"
            affiliation.save()


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0012_revision_note_code'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='affiliation',
            name='claim_detail',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='claimed through'),
        ),
        migrations.AddField(
            model_name='affiliation',
            name='claim_email',
            field=models.EmailField(blank=True, default='', max_length=254, verbose_name='claimed from the address'),
        ),
        migrations.AddField(
            model_name='affiliation',
            name='claim_language',
            field=models.CharField(blank=True, default='', max_length=8, verbose_name='language'),
        ),
        migrations.AddField(
            model_name='affiliation',
            name='claim_nonce',
            field=models.CharField(blank=True, default='', editable=False, max_length=16),
        ),
        migrations.AddField(
            model_name='affiliation',
            name='claimed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='claimed on'),
        ),
        migrations.AddField(
            model_name='affiliation',
            name='claims_representation',
            field=models.BooleanField(default=False, verbose_name='asks to represent'),
        ),
        migrations.AddField(
            model_name='affiliation',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='reviewed on'),
        ),
        migrations.AddField(
            model_name='affiliation',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by'),
        ),
        migrations.AddField(
            model_name='affiliation',
            name='reviewed_by_person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='directory.person', verbose_name='reviewed by the representative'),
        ),
        migrations.AddField(
            model_name='affiliation',
            name='source',
            field=models.CharField(choices=[('staff', 'Staff'), ('membership_form', 'Membership form'), ('payment', 'Online payment'), ('registration', 'Event registration'), ('import', 'Import'), ('demo', 'Demonstration data')], default='staff', max_length=20, verbose_name='established through'),
        ),
        migrations.AddField(
            model_name='affiliation',
            name='status',
            field=models.CharField(choices=[('claimed', 'Claimed, waiting for confirmation'), ('verified', 'Verified'), ('refused', 'Refused')], default='verified', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='person',
            name='organisations',
            field=models.ManyToManyField(blank=True, related_name='people', through='directory.Affiliation', through_fields=('person', 'organisation'), to='directory.organisation'),
        ),
        migrations.AddIndex(
            model_name='affiliation',
            index=models.Index(fields=['status', 'claimed_at'], name='affiliation_claims'),
        ),
        migrations.AddConstraint(
            model_name='affiliation',
            constraint=models.CheckConstraint(condition=models.Q(('is_representative', False), ('status', 'verified'), _connector='OR'), name='affiliation_representative_verified'),
        ),
        migrations.RunPython(mark_provenance, migrations.RunPython.noop),
    ]
