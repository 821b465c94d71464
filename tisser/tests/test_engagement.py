"""The engagement history: one timeline per organisation and person with entries of every
app, its header, its filter, who may see it; the personal-data export and the erasure
cover every app (event registrations included)."""

import pytest
from django.urls import reverse
from django.utils import translation

from tisser.directory import engagement, services_privacy
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
    from tisser.directory import services

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
