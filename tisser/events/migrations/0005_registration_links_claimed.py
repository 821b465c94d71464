"""Links to an organisation created by an event registration become claims.

Naming an organisation in a registration form linked the person to it at once, which
gave member prices. What this data step decides: a link that is not a representative,
was created within a minute of a registration by the same person naming the same
organisation, and was not set up by the demo (directory 0013), becomes a *claim* from
that registration (the event's title, the date and the person's address as evidence).
Every other link keeps the status the directory and memberships migrations gave it.
"""

import datetime

from django.db import migrations
from django.db.models import Exists, OuterRef

WINDOW = datetime.timedelta(minutes=1)


def claim_registration_links(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    Affiliation = apps.get_model("directory", "Affiliation")
    near = Registration.objects.filter(
        person_id=OuterRef("person_id"),
        organisation_id=OuterRef("organisation_id"),
        created_at__gte=OuterRef("created_at") - WINDOW,
        created_at__lte=OuterRef("created_at") + WINDOW,
    )
    links = (
        Affiliation.objects.filter(
            status="verified", is_representative=False, claims_representation=False
        )
        .exclude(source="demo")
        .filter(Exists(near))
    )
    for link in links.select_related("person").iterator():
        registration = (
            Registration.objects.filter(
                person_id=link.person_id,
                organisation_id=link.organisation_id,
                created_at__gte=link.created_at - WINDOW,
                created_at__lte=link.created_at + WINDOW,
            )
            .select_related("event")
            .order_by("created_at")
            .first()
        )
        link.status = "claimed"
        link.source = "registration"
        link.claimed_at = registration.created_at
        link.claim_email = link.person.email
        link.claim_detail = registration.event.title[:200]
        link.claim_language = registration.language[:8]
        link.claim_nonce = "migrated"
        link.save()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_merge_0003_proposals_and_calls_0003_session_reminders"),
        ("directory", "0013_affiliation_claims"),
    ]

    operations = [
        migrations.RunPython(claim_registration_links, migrations.RunPython.noop),
    ]
