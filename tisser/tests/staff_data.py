"""A small network with something to do in every section of the staff home, with known
counts, for the tests of the home and of the staff lists (they span every app, so they
live beside the apps, not in one of them)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone


def future(days: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build(people: int = 12) -> dict:
    """Returns what was made; the expected home counts are under "expected"."""
    from tisser.core.imports.models import ImportJob
    from tisser.directory.contacts import services_claims as claims
    from tisser.directory.models import Organisation, Person
    from tisser.directory.models_proposals import Proposal
    from tisser.events.models import Event, EventKind, Registration, Session
    from tisser.governance.models import Assembly
    from tisser.memberships.models import Membership, MembershipYear, Payment
    from tisser.publications.models import MailingList, Subscription
    from tisser.publications.models_sending import Campaign, Delivery

    orgs = [
        Organisation.objects.create(name=f"Structure {i:02d}", slug=f"structure-{i:02d}")
        for i in range(6)
    ]
    persons = [
        Person.objects.create(
            first_name=f"Prénom{i:02d}",
            last_name=f"Nom{i:02d}",
            email=f"personne{i:02d}@example.org",
        )
        for i in range(people)
    ]
    # A stranger claims to represent a structure: one request to confirm.
    claims.claim(persons[-1], orgs[0], source="membership_form", representative=True, notify=False)
    Proposal.objects.create(
        kind="new", proposer_name="Inès", proposer_email="ines@example.org", data={"name": "X"}
    )
    Proposal.objects.create(
        kind="new", proposer_name="Yann", proposer_email="yann@example.org", data={"name": "Y"}
    )
    Proposal.objects.create(
        kind="new",
        status="rejected",
        proposer_name="Old",
        proposer_email="old@example.org",
        data={"name": "Z"},
    )

    year = MembershipYear.objects.create(
        year=timezone.localdate().year,
        starts_on=dt.date(timezone.localdate().year, 1, 1),
        ends_on=dt.date(timezone.localdate().year, 12, 31),
    )
    pending = [
        Membership.objects.create(organisation=o, year=year, amount_due=Decimal("50"))
        for o in orgs[:3]
    ]
    paid = Membership.objects.create(
        organisation=orgs[3], year=year, status="validated", amount_due=Decimal("80")
    )
    Payment.objects.create(
        membership=paid, amount=Decimal("80"), method="cheque", paid_on=timezone.localdate()
    )
    unpaid = Membership.objects.create(
        organisation=orgs[4], year=year, status="validated", amount_due=Decimal("120")
    )

    kind = EventKind.objects.create(name="Fresque", slug="fresque")
    fresque = Event.objects.create(
        title="Fresque du handicap", slug="fresque", kind=kind, max_participants=10
    )
    Session.objects.create(event=fresque, starts_at=future(10), ends_at=future(10, 12))
    for i, person in enumerate(persons[:7]):
        Registration.objects.create(
            event=fresque,
            person=person,
            status="confirmed" if i < 5 else "waitlisted",
        )
    other = Event.objects.create(title="Matinale", slug="matinale", kind=kind)
    Session.objects.create(event=other, starts_at=future(20), ends_at=future(20, 11))
    past = Event.objects.create(title="Passée", slug="passee", kind=kind)
    Session.objects.create(event=past, starts_at=future(-20), ends_at=future(-20, 11))

    ImportJob.objects.create(kind="organisations", filename="en-cours.csv", status="running")
    ImportJob.objects.create(kind="organisations", filename="rate.csv", status="failed")
    ImportJob.objects.create(kind="organisations", filename="fini.csv", status="done")

    newsletter_list = MailingList.objects.create(name="Infolettre", slug="infolettre")
    for person in persons:
        Subscription.objects.create(
            person=person, mailing_list=newsletter_list, status="active", origin="form"
        )
    campaign = Campaign.objects.create(
        mailing_list=newsletter_list, subject="Juin solidaire", status="sending", total=4
    )
    for i, person in enumerate(persons[:4]):
        Delivery.objects.create(
            campaign=campaign,
            person=person,
            email=person.email,
            status="sent" if i < 3 else "pending",
        )
    Campaign.objects.create(mailing_list=newsletter_list, subject="Brouillon", status="draft")

    Assembly.objects.create(title="AG 2026", slug="ag-2026", starts_at=future(30))
    Assembly.objects.create(
        title="AG passée", slug="ag-passee", starts_at=future(-30), status="closed"
    )
    return {
        "organisations": orgs,
        "people": persons,
        "memberships": pending + [paid, unpaid],
        "fresque": fresque,
        "campaign": campaign,
        "expected": {
            "contacts-1": 2,  # map proposals to moderate
            "contacts-2": 2,  # representation requests (this one and role_users' claimant)
            "contacts-3": 2,  # imports running or failed
            "agenda-1": 2,  # upcoming events
            "agenda-2": 0,  # proposed events
            "memberships-1": 3,  # to validate
            "memberships-2": 4,  # payments to record (3 pending + 1 validated unpaid)
            "memberships-3": 0,  # HelloAsso imports
            "democracy-1": 1,  # assemblies to come
            "communication-1": 1,  # campaigns sending
            "communication-2": 0,  # subscriber imports
            "observatory-1": 0,  # observatory imports
        },
    }
