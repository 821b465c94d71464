"""Representatives named by a membership form or a payment become claims.

Until now, the online membership form, HelloAsso payments and the imports of HelloAsso
exports made the person they named a representative of the organisation at once. What
this data step decides, for each membership that came in that way (source "form",
"helloasso" or "import") and names a representative:

- the link created with that membership (within five minutes of it) becomes a *claim* to
  represent the organisation, with the membership's year, date and the person's address
  as evidence;
- a link that existed before but is a representative is kept as a verified link to the
  organisation, and its representation becomes a claim: the form may have added it, and
  nothing recorded whether staff confirmed it since;
- links of the demo (set up by the demo loader, see directory 0013) and of memberships
  entered by staff stay verified.

Staff find every resulting claim on the "Representation requests" page and confirm the
right ones in one click each.
"""

import datetime

from django.db import migrations

PUBLIC_SOURCES = {"form": "membership_form", "helloasso": "payment", "import": "payment"}
WINDOW = datetime.timedelta(minutes=5)


def claim_public_representatives(apps, schema_editor):
    Membership = apps.get_model("memberships", "Membership")
    Affiliation = apps.get_model("directory", "Affiliation")
    memberships = (
        Membership.objects.filter(source__in=PUBLIC_SOURCES, representative__isnull=False)
        .select_related("year", "representative")
        .order_by("created_at")
    )
    for membership in memberships.iterator():
        link = (
            Affiliation.objects.filter(
                person_id=membership.representative_id,
                organisation_id=membership.organisation_id,
            )
            .exclude(source="demo")
            .first()
        )
        if link is None or (link.status == "claimed" and link.claims_representation):
            continue
        created_with = abs(link.created_at - membership.created_at) <= WINDOW
        if not created_with and not link.is_representative:
            continue
        if created_with:
            link.status = "claimed"
            link.source = PUBLIC_SOURCES[membership.source]
        link.claims_representation = True
        link.is_representative = False
        link.claimed_at = membership.created_at
        link.claim_email = membership.representative.email
        link.claim_detail = str(membership.year.year)
        link.claim_nonce = "migrated"
        link.save()


class Migration(migrations.Migration):
    dependencies = [
        ("memberships", "0003_payment_import"),
        ("directory", "0013_affiliation_claims"),
    ]

    operations = [
        migrations.RunPython(claim_public_representatives, migrations.RunPython.noop),
    ]
