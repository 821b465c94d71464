"""The data migrations that turn yesterday's links into verified facts or claims
(directory 0013, memberships 0004, events 0005): run backwards, given the rows the old
code wrote, then forwards again; each link ends as their docstrings say."""

import datetime

from django.utils import timezone

BEFORE = [
    ("directory", "0012_revision_note_code"),
    ("memberships", "0003_payment_import"),
    ("events", "0004_merge_0003_proposals_and_calls_0003_session_reminders"),
]
AFTER = [
    ("directory", "0013_affiliation_claims"),
    ("memberships", "0004_representatives_claimed"),
    ("events", "0005_registration_links_claimed"),
]


def test_existing_links_become_verified_facts_or_claims(migrator):
    old = migrator(BEFORE)
    Organisation = old.get_model("directory", "Organisation")
    Person = old.get_model("directory", "Person")
    Affiliation = old.get_model("directory", "Affiliation")
    ImportJob = old.get_model("directory", "ImportJob")
    Year = old.get_model("memberships", "MembershipYear")
    Membership = old.get_model("memberships", "Membership")
    Kind = old.get_model("events", "EventKind")
    Event = old.get_model("events", "Event")
    Registration = old.get_model("events", "Registration")

    now = timezone.now()
    year = Year.objects.create(
        year=2026, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31)
    )
    orgs = {}
    for name in ("Staff", "Formulaire", "Ancien", "Demo", "Equipe", "Import", "Inscription"):
        orgs[name] = Organisation.objects.create(name=name, slug=name.lower())

    def link(name, email, representative=True, **fields):
        person = Person.objects.create(first_name=name, email=email)
        return Affiliation.objects.create(
            person=person,
            organisation=orgs[name],
            is_representative=representative,
            **fields,
        )

    link("Staff", "rep@staff.example.org")  # set on the staff pages
    form = link("Formulaire", "rep@formulaire.example.org")
    Membership.objects.create(
        organisation=orgs["Formulaire"], year=year, representative=form.person, source="form"
    )
    older = link("Ancien", "rep@ancien.example.org")
    Affiliation.objects.filter(pk=older.pk).update(created_at=now - datetime.timedelta(days=400))
    Membership.objects.create(
        organisation=orgs["Ancien"], year=year, representative=older.person, source="helloasso"
    )
    demo = link("Demo", "rita.12@demo.example")
    Membership.objects.create(
        organisation=orgs["Demo"], year=year, representative=demo.person, source="helloasso"
    )
    staff_entry = link("Equipe", "rep@equipe.example.org")
    Membership.objects.create(
        organisation=orgs["Equipe"], year=year, representative=staff_entry.person, source="staff"
    )
    imported = link("Import", "contact@import.example.org")
    ImportJob.objects.create(
        filename="adherents.csv",
        status="done",
        started_at=now - datetime.timedelta(seconds=2),
        finished_at=now + datetime.timedelta(seconds=2),
        rows=[{"line": 2, "values": {"nom": "Import", "contact_email": imported.person.email}}],
    )
    registered = link("Inscription", "lea@inscription.example.org", representative=False)
    event = Event.objects.create(
        title="Fresque", slug="fresque", kind=Kind.objects.create(name="Atelier", slug="atelier")
    )
    Registration.objects.create(
        event=event,
        person=registered.person,
        organisation=orgs["Inscription"],
        status="confirmed",
        language="fr",
    )

    new = migrator(AFTER)
    Affiliation = new.get_model("directory", "Affiliation")
    state = {
        a.organisation.name: (a.status, a.is_representative, a.claims_representation, a.source)
        for a in Affiliation.objects.select_related("organisation")
    }
    assert state == {
        "Staff": ("verified", True, False, "staff"),
        "Formulaire": ("claimed", False, True, "membership_form"),
        "Ancien": ("verified", False, True, "staff"),  # its representation is now a claim
        "Demo": ("verified", True, False, "demo"),
        "Equipe": ("verified", True, False, "staff"),
        "Import": ("claimed", False, True, "import"),
        "Inscription": ("claimed", False, False, "registration"),
    }
    evidence = {a.organisation.name: a for a in Affiliation.objects.select_related("organisation")}
    assert evidence["Formulaire"].claim_detail == "2026"
    assert evidence["Formulaire"].claim_email == "rep@formulaire.example.org"
    assert evidence["Import"].claim_detail == "adherents.csv"
    assert evidence["Inscription"].claim_detail == "Fresque"
