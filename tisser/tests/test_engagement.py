"""The engagement history: one timeline per organisation and person with entries of every
app, its header, its filter, who may see it; the personal-data export and the erasure
cover every app (event registrations included)."""

import pytest
from django.urls import reverse
from django.utils import translation

from tisser.directory import engagement
from tisser.directory.contacts import services_privacy
from tisser.events.models import Answer, Question
from tisser.governance.models_groups import GroupMember, WorkingGroup
from tisser.publications.models import Subscription, Suppression
from tisser.publications.models_sending import Delivery

from .engagement_data import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    with translation.override("en"):
        yield build()


def test_a_persons_timeline_shows_entries_of_every_app(data):
    Suppression.objects.create(email=data["dup"].email, reason="hard_bounce")
    entries = engagement.person_timeline(data["dup"])
    kinds = {entry.kind for entry in entries}
    assert {
        "claims",
        "consents",
        "registrations",
        "memberships",
        "assemblies",
        "groups",
        "subscriptions",
        "emails",
        "unsubscribes",
    } <= kinds
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert all(entry.url for entry in entries)


def test_an_organisations_timeline_shows_presence_proxies_and_votes_never_the_ballot(data):
    with translation.override("en"):
        entries = engagement.organisation_timeline(data["coop"])
    kinds = {entry.kind for entry in entries}
    assert {"claims", "registrations", "memberships", "assemblies", "emails"} <= kinds
    assembly = [e for e in entries if e.kind == "assemblies"]
    titles = " ".join(e.title + " " + e.detail for e in assembly)
    assert "present" in titles
    assert "Proxy held for Les Cabanes" in titles
    assert "took part in 1 of 1 vote" in titles


def test_timeline_filter_by_kind(data):
    entries = engagement.person_timeline(data["dup"], kinds={"registrations"})
    assert entries and {entry.kind for entry in entries} == {"registrations"}


def test_header_facts(data):
    with translation.override("en"):
        facts = {fact.key: fact.value for fact in engagement.facts(organisation=data["coop"])}
    assert facts["member_since"] == str(data["membership"].year.year)
    assert facts["pending_claims"] == "1"  # Claire's claim on Coop Manau
    assert facts["last_event"] != "none"


def test_timeline_pages(data, admin_client):
    for url in (
        reverse("directory:staff_timeline", args=[data["coop"].pk]),
        reverse("directory:staff_person_timeline", args=[data["dup"].pk]) + "?kind=emails",
        reverse("directory:staff_person_timeline", args=[data["dup"].pk]) + "?kind=nonsense",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    page = admin_client.get(reverse("directory:staff_timeline", args=[data["coop"].pk]))
    assert reverse("events:staff_participants", args=[data["fresque"].pk]) in page.content.decode()


def test_new_pages_are_staff_only(data, client, role_users):
    urls = [
        reverse("directory:staff_timeline", args=[data["coop"].pk]),
        reverse("directory:staff_person_timeline", args=[data["dup"].pk]),
        reverse("directory:staff_person_duplicates"),
        reverse("directory:staff_person_merge_choose", args=[data["dup"].pk]),
        reverse("directory:staff_person_merge")
        + f"?keep={data['keep'].pk}&duplicate={data['dup'].pk}",
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    for role in ("public", "claimant", "representative", "member"):
        client.force_login(role_users[role])
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
    response = client.post(
        reverse("directory:staff_person_merge"),
        {"keep": data["keep"].pk, "duplicate": data["dup"].pk},
    )
    assert response.status_code == 403
    assert data["dup"].__class__.objects.filter(pk=data["dup"].pk).exists()


def test_export_covers_every_app(data):
    question = Question.objects.create(event=data["fresque"], text="Régime alimentaire")
    Answer.objects.create(registration=data["registration"], question=question, value="Sans gluten")
    exported = services_privacy.person_data(data["dup"])
    registration = exported["event_registrations"][0]
    assert registration["event"] == "Fresque du climat"
    assert registration["answers"] == [{"question": "Régime alimentaire", "answer": "Sans gluten"}]
    assert registration["attendance"][0]["attended"] is True
    assert exported["memberships_represented"][0]["organisation"] == "Coop Manau"
    assert exported["subscriptions"][0]["list"] == "Infolettre"
    assert exported["emails_received"][0]["subject"] == "Juin solidaire"
    assert exported["working_groups"][0]["group"] == "Vie de réseau"
    assert exported["candidacies"][0]["motion"] == "Élection du Collectif"


def test_erasure_covers_every_app(data):
    question = Question.objects.create(event=data["fresque"], text="Régime alimentaire")
    answer = Answer.objects.create(
        registration=data["registration"], question=question, value="Sans gluten"
    )
    services_privacy.erase_person(data["dup"].pk, actor=None)
    answer.refresh_from_db()
    assert answer.value == ""
    delivery = Delivery.objects.get()
    assert "claire" not in delivery.email and delivery.first_name == ""
    assert Subscription.objects.get().status == "unsubscribed"
    assert not GroupMember.objects.exists()
    assert WorkingGroup.objects.get().referent_id is None
    # The registration itself stays (counts hold), on the anonymised person.
    data["registration"].refresh_from_db()
    assert data["registration"].person.erased_at is not None


def test_an_edit_is_in_the_history_by_field_name_only(data, admin_client):
    from tisser.directory.contacts import services

    services.update_person(data["keep"], {"phone": "07 00 00 00 09"}, by=None)
    entries = engagement.person_timeline(data["keep"], kinds={"changes"})
    assert entries and "07 00" not in " ".join(e.title + e.detail for e in entries)
    assert any(e.detail for e in entries)


def test_a_timeline_reads_only_what_it_shows(data):
    """A campaign row holds its whole rendered newsletter and an event its description:
    fifty entries must not fetch them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        entries = engagement.person_timeline(data["dup"])
    assert any(entry.kind == "emails" for entry in entries)
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "html_template" not in sql
    assert '"events_event"."description"' not in sql


def _many_of_every_kind(data, count: int) -> None:
    """`count` rows of every kind for the duplicate and Coop Manau: more than a page each."""
    from tisser.directory.models import Affiliation, Consent, Organisation, PersonEvent
    from tisser.directory.models_proposals import Proposal
    from tisser.events.models import Attendance, Registration, Session
    from tisser.governance.models import Assembly, Candidacy, Motion, Proxy, Voter
    from tisser.memberships.models import Membership, MembershipYear, Payment
    from tisser.publications.models import MailingList
    from tisser.publications.models_sending import Campaign

    from .engagement_data import moment

    dup, coop = data["dup"], data["coop"]
    for n in range(count):
        org = Organisation.objects.create(name=f"Org {n}", slug=f"org-{n}")
        Affiliation.objects.create(person=dup, organisation=org, status="claimed")
        Consent.objects.create(person=dup, purpose="photos", method="paper", at=moment(-n))
        PersonEvent.objects.create(person=dup, action="edited", detail={"fields": ["phone"]})
        Proposal.objects.create(kind="new", proposer_email=dup.email, data={"name": f"P{n}"})
        session = Session.objects.create(
            event=data["fresque"], starts_at=moment(-n), ends_at=moment(-n, 12)
        )
        registration = Registration.objects.create(
            event=data["fresque"], session=session, person=dup, organisation=coop
        )
        Attendance.objects.create(
            registration=registration, session=session, attended=True, checked_at=moment(-n)
        )
        year = MembershipYear.objects.create(year=1900 + n)
        membership = Membership.objects.create(
            organisation=coop, year=year, amount_due=10, representative=dup
        )
        Payment.objects.create(
            membership=membership, amount=10, method="cheque", paid_on=moment(-n).date()
        )
        assembly = Assembly.objects.create(title=f"AG {n}", slug=f"ag-{n}", starts_at=moment(-n))
        motion = Motion.objects.create(assembly=assembly, kind="election", title=f"M{n}")
        voter = Voter.objects.create(assembly=assembly, organisation=coop)
        giver = Voter.objects.create(assembly=assembly, organisation=org)
        Proxy.objects.create(assembly=assembly, giver=giver, holder=voter)
        Candidacy.objects.create(motion=motion, organisation=coop, person=dup)
        group = WorkingGroup.objects.create(name=f"G{n}", slug=f"g-{n}")
        GroupMember.objects.create(group=group, person=dup, organisation=coop)
        mailing_list = MailingList.objects.create(name=f"L{n}", slug=f"l-{n}")
        Subscription.objects.create(person=dup, mailing_list=mailing_list, origin="form")
        campaign = Campaign.objects.create(mailing_list=mailing_list, subject=f"S{n}")
        Delivery.objects.create(campaign=campaign, person=dup, email=dup.email, status="sent")


def test_a_timeline_costs_a_bounded_number_of_queries_whatever_its_length(
    data, admin_client, django_assert_max_num_queries
):
    """One query for the entries of every app, one for the header: not one per app, per
    kind or per entry (its links and names are read in the same query)."""
    _many_of_every_kind(data, engagement.TIMELINE_LIMIT + 5)
    with django_assert_max_num_queries(1):
        entries = engagement.person_timeline(data["dup"])
    assert len(entries) == engagement.TIMELINE_LIMIT
    with django_assert_max_num_queries(1):
        entries = engagement.organisation_timeline(data["coop"])
    assert len(entries) == engagement.TIMELINE_LIMIT
    assert len({entry.kind for entry in entries}) > 1
    with django_assert_max_num_queries(1):
        engagement.facts(person=data["dup"])
    with django_assert_max_num_queries(1):
        engagement.facts(organisation=data["coop"])
    with django_assert_max_num_queries(8):
        response = admin_client.get(
            reverse("directory:staff_person_timeline", args=[data["dup"].pk])
        )
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("directory:staff_timeline", args=[data["coop"].pk]))
    assert response.status_code == 200


def test_each_kind_alone_fills_a_page_newest_first(data):
    """Filtering by kind reaches entries older than the mixed page's (each branch is
    limited to the page inside the one query, not before the filter)."""
    _many_of_every_kind(data, engagement.TIMELINE_LIMIT + 5)
    for kind in engagement.all_kinds():
        entries = engagement.person_timeline(data["dup"], kinds={kind})
        assert {entry.kind for entry in entries} <= {kind}
        assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    registrations = engagement.person_timeline(data["dup"], kinds={"registrations"})
    assert len(registrations) == engagement.TIMELINE_LIMIT
