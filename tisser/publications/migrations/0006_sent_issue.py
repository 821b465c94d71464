"""A sent issue is kept as it was sent (`SentIssue`).

Data: an issue already sent before this migration is frozen from its first started
campaign (subject, HTML and text exactly as they went out), with an empty web version:
no template can be rendered reliably inside a migration, so its web page keeps being
drawn from its blocks (their items were already snapshots), which can no longer be
edited once the issue counts as sent.
"""

import django.db.models.deletion
from django.db import migrations, models


def freeze_issues_already_sent(apps, schema_editor):
    Campaign = apps.get_model("publications", "Campaign")
    SentIssue = apps.get_model("publications", "SentIssue")
    done = set()
    started = (
        Campaign.objects.filter(newsletter__isnull=False, started_at__isnull=False)
        .exclude(html_template="")
        .order_by("started_at", "id")
    )
    for campaign in started:
        if campaign.newsletter_id in done:
            continue
        done.add(campaign.newsletter_id)
        SentIssue.objects.create(
            newsletter_id=campaign.newsletter_id,
            sent_at=campaign.started_at,
            subject=campaign.subject,
            html=campaign.html_template,
            text=campaign.text_template,
            web_html="",
        )


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0005_campaign_confirmation_key'),
    ]

    operations = [
        migrations.CreateModel(
            name='SentIssue',
            fields=[
                ('newsletter', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='as_sent', serialize=False, to='publications.newsletter', verbose_name='newsletter')),
                ('sent_at', models.DateTimeField(verbose_name='sent on')),
                ('subject', models.CharField(max_length=250, verbose_name='email subject')),
                ('html', models.TextField(editable=False)),
                ('text', models.TextField(editable=False)),
                ('web_html', models.TextField(editable=False)),
            ],
            options={
                'verbose_name': 'issue as sent',
                'verbose_name_plural': 'issues as sent',
            },
        ),
        migrations.RunPython(freeze_issues_already_sent, migrations.RunPython.noop),
    ]
