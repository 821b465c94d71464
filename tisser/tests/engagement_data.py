"""Two records of the same person, each with something in every app, for the tests of the
merge, the timeline and the personal data (they span every app, so they live here)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone


def moment(days: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build() -> dict:
    """`keep` (Claire Benali) and `dup` ("claire BÉNALI", another address and a phone),
    both linked to Coop Manau; the duplicate has a row of every kind."""
    from tisser.directory.contacts import services, services_claims
    from tisser.directory.models import Consent, Organisation, Person
    from tisser.directory.models_proposals import Proposal
    from tisser.events.models import Attendance, Event, EventKind, Registration, Session
    from tisser.governance.models import Assembly, Candidacy, Motion, Participation, Proxy, Voter
    from tisser.governance.models_groups import GroupMember, WorkingGroup
    from tisser.memberships.models import Membership, MembershipYear, Payment
    from tisser.publications.models import MailingList, Subscription
    from tisser.publications.models_sending import Campaign, Delivery

    coop = Organisation.objects.create(name="Coop Manau", slug="manau", is_member=True)
    other = Organisation.objects.create(name="Les Cabanes", slug="cabanes", is_member=True)
    keep = Person.objects.create(
        first_name="Claire", last_name="Benali", email="claire@coop-manau.example.org"
    )
    dup = Person.objects.create(
        first_name="claire ",
        last_name="BÉNALI",
        phone="+33 6 12 34 56 78",
        email="claire.b@example.org",
    )
    # Keep claims Coop Manau; the duplicate is its verified representative.
    services_claims.claim(keep, coop, source="membership_form", notify=False)
    services.affiliate(dup, coop, role="Co-gérante", is_representative=True)
    services_claims.claim(dup, other, source="registration", notify=False)
    services.record_consent(dup, purpose=Consent.Purpose.PHOTOS, method=Consent.Method.PAPER)
    proposal = Proposal.objects.create(
        kind="new", proposer_name="Claire", proposer_email="claire.b@example.org", data={}
    )

    year = MembershipYear.objects.create(year=timezone.localdate().year - 1)
    membership = Membership.objects.create(
        organisation=coop,
        year=year,
        status="validated",
        amount_due=Decimal("80"),
        representative=dup,
        validated_at=moment(-300),
    )
    payment = Payment.objects.create(
        membership=membership, amount=Decimal("80"), method="cheque", paid_on=moment(-301).date()
    )

    kind = EventKind.objects.create(name="Fresque", slug="fresque")
    fresque = Event.objects.create(title="Fresque du climat", slug="fresque", kind=kind)
    session = Session.objects.create(event=fresque, starts_at=moment(-10), ends_at=moment(-10, 12))
    registration = Registration.objects.create(
        event=fresque, session=session, person=dup, organisation=coop, status="confirmed"
    )
    Attendance.objects.create(
        registration=registration, session=session, attended=True, checked_at=moment(-10, 9)
    )

    newsletter = MailingList.objects.create(name="Infolettre", slug="infolettre")
    subscription = Subscription.objects.create(
        person=dup, mailing_list=newsletter, status="active", origin="form"
    )
    campaign = Campaign.objects.create(
        mailing_list=newsletter, subject="Juin solidaire", status="sent", total=1
    )
    delivery = Delivery.objects.create(
        campaign=campaign,
        person=dup,
        email="claire.b@example.org",
        first_name="Claire",
        status="sent",
        sent_at=moment(-5),
    )

    assembly = Assembly.objects.create(
        title="AG 2026", slug="ag-2026", starts_at=moment(-3), status="closed"
    )
    motion = Motion.objects.create(
        assembly=assembly, kind="election", title="Élection du Collectif", opened_at=moment(-3)
    )
    voter = Voter.objects.create(assembly=assembly, organisation=coop, present_at=moment(-3))
    other_voter = Voter.objects.create(assembly=assembly, organisation=other)
    proxy = Proxy.objects.create(assembly=assembly, giver=other_voter, holder=voter)
    Participation.objects.create(motion=motion, voter=voter, cast_by=voter, channel="room")
    candidacy = Candidacy.objects.create(motion=motion, organisation=coop, person=dup)

    group = WorkingGroup.objects.create(name="Vie de réseau", slug="vie-de-reseau", referent=dup)
    member = GroupMember.objects.create(group=group, person=dup, organisation=coop)
    return {
        "coop": coop,
        "other": other,
        "keep": keep,
        "dup": dup,
        "proposal": proposal,
        "membership": membership,
        "payment": payment,
        "fresque": fresque,
        "session": session,
        "registration": registration,
        "subscription": subscription,
        "newsletter": newsletter,
        "campaign": campaign,
        "delivery": delivery,
        "assembly": assembly,
        "voter": voter,
        "proxy": proxy,
        "candidacy": candidacy,
        "group": group,
        "group_member": member,
    }
