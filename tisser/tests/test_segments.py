"""Segments: each condition (who is in, who is out), combinations, the staff search page
(count, list, export, save) and bad definitions. Conditions come from several apps, so
these tests live outside any one of them."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tisser.directory import segments
from tisser.directory.contacts import queries_segments, services_segments
from tisser.directory.models import Affiliation, Category, Organisation, Person, Segment
from tisser.territories.models import Commune, Departement, Region


def at(year, month=6, day=1):
    return timezone.make_aware(datetime.datetime(year, month, day, 10))


@pytest.fixture
def network(db):
    """A small network: organisations in the Somme and the Nord, members or not, people
    linked (verified, claimed, representative), events with registrations and check-ins,
    memberships of 2025 and 2026."""
    from tisser.events.models import Attendance, Event, EventKind, Registration, Session
    from tisser.memberships.models import Membership, MembershipYear

    region = Region.objects.create(code="32", name="Hauts-de-France", search_name="hdf")
    somme = Departement.objects.create(code="80", name="Somme", region=region, search_name="somme")
    nord = Departement.objects.create(code="59", name="Nord", region=region, search_name="nord")
    amiens = Commune.objects.create(
        code="80021", name="Amiens", search_name="amiens", departement=somme, region=region
    )
    lille = Commune.objects.create(
        code="59350", name="Lille", search_name="lille", departement=nord, region=region
    )
    food = Category.objects.create(name="Alimentation", slug="alimentation")

    def org(name, commune, member=False):
        return Organisation.objects.create(
            name=name, slug=name.lower().replace(" ", "-"), commune=commune, is_member=member
        )

    coop_somme = org("Coop Somme", amiens, member=True)
    coop_somme.categories.add(food)
    asso_somme = org("Asso Somme", amiens)  # not a member
    coop_nord = org("Coop Nord", lille, member=True)

    def person(first, email=""):
        return Person.objects.create(first_name=first, last_name="Test", email=email)

    people = {
        name: person(name, f"{name.lower()}@exemple.fr")
        for name in ["Alice", "Bruno", "Chloe", "David", "Emma", "Farid", "Gina"]
    }
    people["Noemail"] = person("Noemail")
    P = people
    # Alice: verified representative of the Somme member coop.
    Affiliation.objects.create(person=P["Alice"], organisation=coop_somme, is_representative=True)
    # Bruno: only *claims* to represent it (a public form).
    Affiliation.objects.create(
        person=P["Bruno"],
        organisation=coop_somme,
        status=Affiliation.Status.CLAIMED,
        claims_representation=True,
        source=Affiliation.Source.MEMBERSHIP_FORM,
    )
    # Chloe: verified representative of a Somme organisation that is not a member.
    Affiliation.objects.create(person=P["Chloe"], organisation=asso_somme, is_representative=True)
    # David: verified representative of the Nord member coop.
    Affiliation.objects.create(person=P["David"], organisation=coop_nord, is_representative=True)
    # Emma: a verified colleague (not representative) at the Somme member coop.
    Affiliation.objects.create(person=P["Emma"], organisation=coop_somme)

    y2025 = MembershipYear.objects.create(year=2025)
    y2026 = MembershipYear.objects.create(year=2026)
    Membership.objects.create(organisation=coop_somme, year=y2025, status="validated")
    Membership.objects.create(organisation=coop_somme, year=y2026, status="validated")
    Membership.objects.create(organisation=coop_nord, year=y2025, status="validated")
    Membership.objects.create(organisation=coop_nord, year=y2026, status="pending")

    kind = EventKind.objects.create(name="Fresque", slug="fresque")
    other_kind = EventKind.objects.create(name="Matinale", slug="matinale")
    fresque = Event.objects.create(title="Fresque", slug="fresque", kind=kind)
    lens = Session.objects.create(event=fresque, starts_at=at(2026), ends_at=at(2026, 6, 2))
    matinale = Event.objects.create(title="Matinale", slug="matinale", kind=other_kind)
    m2025 = Session.objects.create(event=matinale, starts_at=at(2025), ends_at=at(2025, 6, 2))

    def register(who, session, status="confirmed", came=None):
        registration = Registration.objects.create(
            event=session.event, session=session, person=P[who], status=status
        )
        if came is not None:
            Attendance.objects.create(registration=registration, session=session, attended=came)
        return registration

    # Matinale 2025: Alice, David and Farid came; Emma registered but did not come.
    register("Alice", m2025, came=True)
    register("David", m2025, came=True)
    register("Farid", m2025, came=True)
    register("Emma", m2025, came=False)
    # Fresque 2026: Chloe came; Gina registered, not checked in; Bruno waitlisted;
    # Farid cancelled.
    register("Chloe", lens, came=True)
    register("Gina", lens)
    register("Bruno", lens, status="waitlisted")
    register("Farid", lens, status="cancelled")
    return {
        "people": P,
        "fresque": fresque,
        "kind": kind,
        "food": food,
        "coop_somme": coop_somme,
    }


def names(tree) -> set[str]:
    tree = segments.parse(tree)
    return set(queries_segments.people(tree).values_list("first_name", flat=True))


def cond(key, **params):
    return {"condition": key, "params": params}


# --- each condition ------------------------------------------------------------------


def test_affiliated_reads_verified_links_only(network):
    assert names(cond("affiliated")) == {"Alice", "Chloe", "David", "Emma"}
    assert names(cond("affiliated", role="representative")) == {"Alice", "Chloe", "David"}


def test_representatives_of_member_organisations_in_the_somme(network):
    """Bruno's claim to represent the Somme member coop puts him in no such segment."""
    tree = cond("affiliated", role="representative", member_org="yes", departement="80")
    assert names(tree) == {"Alice"}
    assert names(cond("affiliated", member_org="no", departement="80")) == {"Chloe"}
    assert names(cond("affiliated", departement="59")) == {"David"}


def test_affiliated_by_category(network):
    assert names(cond("affiliated", category=network["food"].pk)) == {"Alice", "Emma"}


def test_archived_organisations_do_not_count(network):
    Organisation.objects.filter(pk=network["coop_somme"].pk).update(status="archived")
    assert names(cond("affiliated", departement="80")) == {"Chloe"}


def test_has_email(network):
    assert "Noemail" not in names(cond("has_email"))
    assert names({"not": cond("has_email")}) == {"Noemail"}


def test_member_in_a_year(network):
    assert names(cond("member", year=2025)) == {"Alice", "Emma", "David"}
    # The Nord coop's 2026 membership is pending: not a member yet.
    assert names(cond("member", year=2026)) == {"Alice", "Emma"}
    assert names(cond("member", year=2026, role="representative")) == {"Alice"}
    assert names(cond("member", year=2024)) == set()


def test_attended(network):
    assert names(cond("attended", year=2025)) == {"Alice", "David", "Farid"}
    assert names(cond("attended", year=2026)) == {"Chloe"}
    assert names(cond("attended", event=network["fresque"].pk)) == {"Chloe"}
    assert names(cond("attended", kind=network["kind"].pk, year=2025)) == set()


def test_a_check_in_at_the_desk_puts_the_registrant_among_those_who_came(network):
    from tisser.events.models import Registration
    from tisser.events.staff.editing import mark_attendance

    gina = Registration.objects.get(person=network["people"]["Gina"])
    attendance = mark_attendance(gina, gina.session)
    assert attendance.person_id == gina.person_id
    assert names(cond("attended", event=network["fresque"].pk)) == {"Chloe", "Gina"}
    mark_attendance(gina, gina.session, attended=False)
    assert names(cond("attended", event=network["fresque"].pk)) == {"Chloe"}


def test_registered(network):
    fresque = network["fresque"].pk
    # Cancelled (Farid) and waitlisted (Bruno) registrations hold no place.
    assert names(cond("registered", event=fresque)) == {"Chloe", "Gina"}
    assert names(cond("registered", event=fresque, status="waitlisted")) == {"Bruno"}
    assert names(cond("registered", year=2025)) == {"Alice", "David", "Farid", "Emma"}
    assert names(cond("registered", year=2024)) == set()


def test_subscribed(network):
    from tisser.publications.models import MailingList, Subscription

    infolettre = MailingList.objects.create(name="Infolettre", slug="infolettre")
    people = network["people"]
    Subscription.objects.create(
        person=people["Alice"], mailing_list=infolettre, status="active", origin="staff"
    )
    Subscription.objects.create(
        person=people["Bruno"], mailing_list=infolettre, status="unsubscribed", origin="staff"
    )
    Subscription.objects.create(
        person=people["Chloe"], mailing_list=infolettre, status="pending", origin="staff"
    )
    assert names(cond("subscribed", list=infolettre.pk)) == {"Alice"}


# --- combinations ----------------------------------------------------------------------


def test_came_in_2025_and_not_member_in_2026(network):
    tree = {"and": [cond("attended", year=2025), {"not": cond("member", year=2026)}]}
    assert names(tree) == {"David", "Farid"}


def test_registered_for_the_fresque_but_not_checked_in(network):
    fresque = network["fresque"].pk
    tree = {"and": [cond("registered", event=fresque), {"not": cond("attended", event=fresque)}]}
    assert names(tree) == {"Gina"}


def test_or_and_nested(network):
    tree = {
        "or": [
            cond("attended", year=2026),
            {
                "and": [
                    cond("member", year=2026),
                    {"not": cond("affiliated", role="representative")},
                ]
            },
        ]
    }
    assert names(tree) == {"Chloe", "Emma"}


def test_erased_people_are_never_in_a_segment(network):
    Person.objects.filter(first_name="Alice").update(erased_at=timezone.now())
    assert "Alice" not in names(cond("attended", year=2025))


def test_the_count_is_one_query_with_exists(network):
    """One SELECT COUNT over people whose conditions are EXISTS subqueries (no join in
    the outer query, which would multiply rows); on PostgreSQL JIT is off for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tree = segments.parse(
        {"and": [cond("attended", year=2025), {"not": cond("member", year=2026)}]}
    )
    with CaptureQueriesContext(connection) as captured:
        assert queries_segments.count(tree) == 2
    selects = [q["sql"].upper() for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(selects) == 1
    sql = selects[0]
    assert sql.count("EXISTS") >= 2 and "JOIN" not in sql.split("WHERE")[0]
    if connection.vendor == "postgresql":
        assert any("JIT = OFF" in q["sql"].upper() for q in captured.captured_queries)


# --- checking definitions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        ("{not json", "JSON"),
        ('{"condition": "astrology"}', "astrology"),
        ('{"condition": "member", "params": {"year": "inf"}}', "valid"),
        ('{"condition": "member", "params": {"year": 1e309}}', "valid"),
        ('{"condition": "member", "params": {"year": "\u00b2"}}', "valid"),
        ('{"condition": "member", "params": {"year": true}}', "valid"),
        ('{"condition": "attended", "params": {"event": "99999999999999999999999"}}', "valid"),
        ('{"condition": "member", "params": {"year": NaN}}', "JSON"),
        ('{"condition": "member", "params": {}}', "obligatoire"),
        ('{"condition": "member", "params": {"year": 2025, "colour": 1}}', "colour"),
        ('{"condition": "affiliated", "params": {"role": "boss"}}', "valid"),
        ('{"condition": "attended", "params": {"event": 999999}}', "999999"),
        ('{"xor": []}', "xor"),
        ('{"and": []}', "and"),
        ("[]", "objet"),
        ('{"condition": "has_email", "params": {}, "extra": 1}', "extra"),
        ('{"condition": "affiliated", "params": {"departement": "8\\u00000"}}', "NUL"),
        ("null", "objet"),
    ],
)
def test_bad_definitions_are_refused_with_a_reason(network, data, message):
    with pytest.raises(segments.SegmentError) as error:
        segments.parse(data)
    assert message.lower() in error.value.message.lower()


def test_too_many_or_too_deep(network):
    with pytest.raises(segments.SegmentError):
        segments.parse({"and": [cond("has_email")] * (segments.MAX_CONDITIONS + 1)})
    deep = cond("has_email")
    for _ in range(segments.MAX_DEPTH + 1):
        deep = {"not": deep}
    with pytest.raises(segments.SegmentError):
        segments.parse(deep)


def test_save_segment_checks_its_conditions(network, make_user):
    from django.core.exceptions import ValidationError

    user = make_user("staff@example.org", staff_role="editor")
    segment = services_segments.save_segment(
        "Venus en 2025", json.dumps(cond("attended", year=2025)), user=user
    )
    assert segment.conditions == cond("attended", year=2025)
    assert "2025" in segment.description
    with pytest.raises(ValidationError):
        services_segments.save_segment("Venus en 2025", cond("has_email"))  # same name
    with pytest.raises(ValidationError):
        services_segments.save_segment("Autre", '{"condition": "nope"}')
    with pytest.raises(ValidationError):
        services_segments.save_segment("", cond("has_email"))


# --- the staff pages -----------------------------------------------------------------


@pytest.fixture
def editor(client, make_user):
    client.force_login(make_user("editeur@example.org", staff_role="editor"))
    return client


def search_url(**params):
    from urllib.parse import urlencode

    return reverse("directory:staff_segments_search") + "?" + urlencode(params)


def test_form_rows_count_and_list(network, editor):
    fresque = network["fresque"].pk
    query = {
        "match": "all",
        "c0-type": "registered",
        "c0-event": fresque,
        "c0-status": "live",
        "c1-type": "attended",
        "c1-not": "1",
        "c1-event": fresque,
    }
    response = editor.get(search_url(**query))
    assert response.status_code == 200
    assert response.context["listing"].total == 1
    assert [p.first_name for p in response.context["listing"].rows] == ["Gina"]
    page = response.content.decode()
    # The form asks for the count on each change (htmx); its submit button does the same.
    assert f'hx-get="{reverse("directory:staff_segments_count")}"' in page
    assert 'hx-trigger="change"' in page and 'type="submit"' in page
    # The save form carries the checked conditions.
    saved = json.loads(response.context["definition"].conditions_json)
    assert saved["and"][1] == {"not": cond("attended", event=fresque)}
    # The live count (htmx) reads the same form.
    count = editor.get(reverse("directory:staff_segments_count"), query)
    assert count.status_code == 200
    assert count.context["total"] == 1
    assert "1 personne" in count.content.decode()


def test_adding_and_removing_rows_without_javascript(network, editor):
    response = editor.get(search_url(add="member", add_condition="1"))
    assert response.status_code == 302
    response = editor.get(response["Location"])
    assert response.status_code == 200
    rows = response.context["definition"].rows
    assert [r.condition.key for r in rows] == ["member"]
    assert rows[0].values["year"] == str(timezone.localdate().year)
    response = editor.get(
        search_url(
            **{"c0-type": "member", "c0-year": "2025", "c1-type": "has_email", "remove": "0"}
        )
    )
    assert response.status_code == 302 and "remove" not in response["Location"]
    response = editor.get(response["Location"])
    assert [r.condition.key for r in response.context["definition"].rows] == ["has_email"]


def test_a_wrong_value_in_a_row_is_said_in_the_form(network, editor):
    response = editor.get(search_url(**{"c0-type": "member", "c0-year": "inf"}))
    assert response.status_code == 400
    assert response.context["definition"].rows[0].error
    assert response.context["listing"] is None


@pytest.mark.parametrize(
    "conditions",
    ["{not json", '{"condition": "astrology"}', '{"condition": "member", "params": {"year": "x"}}'],
)
def test_bad_json_is_a_clear_400(network, editor, conditions):
    for name in ("staff_segments_search", "staff_segments_count"):
        response = editor.get(reverse(f"directory:{name}"), {"conditions": conditions})
        assert response.status_code == 400
    response = editor.get(
        reverse("directory:staff_segments_count"), {"conditions": conditions, "format": "json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"]


def test_unknown_condition_in_the_form_is_a_400(network, editor):
    response = editor.get(search_url(**{"c0-type": "astrology"}))
    assert response.status_code == 400
    assert "astrology" in response.content.decode()


def test_nul_in_a_parameter_is_refused(network, editor):
    response = editor.get(search_url(**{"c0-type": "affiliated", "c0-departement": "8\x000"}))
    assert response.status_code == 400


def test_export_csv_and_xlsx_parse_back(network, editor):
    from openpyxl import load_workbook

    tree = json.dumps(cond("attended", year=2025))
    url = reverse("directory:staff_segments_export", args=["csv"])
    response = editor.get(url, {"conditions": tree})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["id", "prenom", "nom", "email"]
    assert {r[1] for r in rows[1:]} == {"Alice", "David", "Farid"}

    response = editor.get(
        reverse("directory:staff_segments_export", args=["xlsx"]), {"conditions": tree}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert {r[1] for r in values[1:]} == {"Alice", "David", "Farid"}
    # The ticked rows only.
    farid = network["people"]["Farid"].pk
    response = editor.post(url + "?conditions=" + tree, {"id": [farid]})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [r[1] for r in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]] == ["Farid"]


def test_save_then_open_a_segment(network, editor):
    tree = json.dumps(cond("attended", year=2025))
    response = editor.post(
        reverse("directory:staff_segments_save"), {"name": "Venus 2025", "conditions": tree}
    )
    segment = Segment.objects.get(name="Venus 2025")
    assert response.status_code == 302 and f"segment={segment.pk}" in response["Location"]
    page = editor.get(response["Location"])
    assert page.status_code == 200 and page.context["listing"].total == 3
    listing = editor.get(reverse("directory:staff_segments"))
    assert "Venus 2025" in listing.content.decode()
    # A bad definition posted is refused with a message, nothing saved.
    response = editor.post(
        reverse("directory:staff_segments_save"),
        {"name": "Mauvais", "conditions": '{"condition": "astrology"}'},
        follow=True,
    )
    assert not Segment.objects.filter(name="Mauvais").exists()
    assert "astrology" in response.content.decode()
    editor.post(reverse("directory:staff_segments_delete", args=[segment.pk]))
    assert not Segment.objects.filter(pk=segment.pk).exists()


@pytest.mark.parametrize("role", ["public", "member", "representative", "claimant"])
def test_non_staff_get_403(network, client, role_users, role):
    client.force_login(role_users[role])
    tree = json.dumps(cond("has_email"))
    for url in (
        reverse("directory:staff_segments"),
        reverse("directory:staff_segments_search") + "?conditions=" + tree,
        reverse("directory:staff_segments_count") + "?conditions=" + tree,
        reverse("directory:staff_segments_export", args=["csv"]) + "?conditions=" + tree,
    ):
        assert client.get(url).status_code == 403
    response = client.post(
        reverse("directory:staff_segments_save"), {"name": "x", "conditions": tree}
    )
    assert response.status_code == 403
    assert not Segment.objects.exists()
