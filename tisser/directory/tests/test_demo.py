"""The demo network: realistic, deterministic, idempotent, and its five demo accounts."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tisser.directory.demo import DEMO_PASSWORD, build_demo_network
from tisser.directory.demo import loader as demo_loader
from tisser.directory.demo.generator import luhn_key, siret_for
from tisser.directory.demo.real_actors import REAL_ACTORS
from tisser.directory.demo.vocabulary import CATEGORIES, DEPARTEMENTS
from tisser.directory.filters import filter_organisations
from tisser.directory.models import Affiliation, Category, Consent, Organisation, Person
from tisser.directory.siret import is_valid_siret

from . import demo_fixtures

hdf_communes = demo_fixtures.hdf_communes  # a fixture shared with the API tests

pytestmark = pytest.mark.django_db


def network_checksum() -> str:
    """A digest of every field the demo writes, so any change shows."""
    digest = hashlib.sha256()
    for org in Organisation.objects.order_by("slug").prefetch_related("categories"):
        fields = (
            org.slug, org.name, org.legal_form, org.siret, org.address, org.postcode,
            org.commune_id, repr(org.latitude), repr(org.longitude), org.geo_precision,
            org.website, org.email, org.phone, org.description, org.workforce, org.status,
            str(org.is_member), ",".join(sorted(c.slug for c in org.categories.all())),
        )  # fmt: skip
        digest.update("|".join(fields).encode())
    for a in Affiliation.objects.select_related("person", "organisation").order_by(
        "organisation__slug", "person__email"
    ):
        digest.update(
            f"{a.organisation.slug}|{a.person.email}|{a.person.first_name}|{a.person.phone}|"
            f"{a.role}|{a.is_representative}".encode()
        )
    for c in Consent.objects.select_related("person").order_by("person__email", "purpose"):
        digest.update(f"{c.person.email}|{c.purpose}|{c.method}|{c.at.isoformat()}".encode())
    return digest.hexdigest()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Category, Person, Affiliation, Consent)
    }


def test_without_territories_the_command_says_what_to_do():
    with pytest.raises(CommandError, match="load_territories"):
        call_command("load_demo", stdout=StringIO())
    assert Organisation.objects.count() == 0


def test_builds_the_requested_size_with_the_real_actors_first(hdf_communes):
    result = build_demo_network(size=150, seed=1)

    assert result["organisations"] == 150 == Organisation.objects.count()
    real_slugs = {actor["slug"] for actor in REAL_ACTORS}
    assert real_slugs <= set(Organisation.objects.values_list("slug", flat=True))
    apes = Organisation.objects.get(slug="apes-hauts-de-france")
    assert apes.commune_id == "59350" and apes.address == "235 boulevard Paul Painlevé"
    assert Organisation.objects.get(slug="la-manufacture-du-coquelicot").commune.name == "Albert"
    assert Organisation.objects.get(slug="les-cabanes-inspirees").is_member
    # Real organisations get no invented identifier.
    assert not Organisation.objects.filter(slug__in=real_slugs).exclude(siret="").exists()

    assert {c.slug: c.color for c in Category.objects.all()} == {
        slug: colour for slug, _name, colour in CATEGORIES
    }
    generated = Organisation.objects.exclude(slug__in=real_slugs)
    members = generated.filter(is_member=True).count() / generated.count()
    assert 0.2 < members < 0.5
    assert generated.exclude(website="").exists() and generated.filter(website="").exists()
    assert set(generated.values_list("legal_form", flat=True)) >= {"association", "scop", "siae"}
    assert generated.filter(categories__isnull=True).count() == 0
    assert Affiliation.objects.filter(is_representative=True).exists()
    # The demo's links are verified facts it set up, never claims.
    assert set(Affiliation.objects.values_list("status", "source").distinct()) == {
        ("verified", "demo")
    }
    assert Consent.objects.filter(purpose="contact").count() >= Person.objects.count() - 5
    assert (
        result["people"] == Affiliation.objects.exclude(person__email__endswith="tisser.fr").count()
    )


def test_running_twice_changes_nothing(hdf_communes):
    build_demo_network(size=80, seed=1)
    before, checksum = counts(), network_checksum()

    again = build_demo_network(size=80, seed=1)

    assert again["organisations"] == 0 and again["skipped"] == 80 and again["users_created"] == 0
    assert counts() == before
    assert network_checksum() == checksum


def test_the_same_seed_gives_the_same_network_and_a_bigger_size_only_adds(hdf_communes):
    build_demo_network(size=60, seed=1)
    first = network_checksum()
    Organisation.objects.all().delete()
    Person.objects.all().delete()
    build_demo_network(size=60, seed=1)
    assert network_checksum() == first

    small = dict(Organisation.objects.values_list("slug", "siret"))
    result = build_demo_network(size=100, seed=1)
    assert result["organisations"] == 40 and result["skipped"] == 60
    assert dict(Organisation.objects.filter(slug__in=small).values_list("slug", "siret")) == small

    Organisation.objects.all().delete()
    Person.objects.all().delete()
    build_demo_network(size=60, seed=2)
    assert network_checksum() != first


def test_actors_sit_in_real_communes_near_their_centre(hdf_communes):
    build_demo_network(size=200, seed=3)
    for org in Organisation.objects.select_related("commune"):
        assert org.commune_id in hdf_communes
        assert org.commune.departement_id in DEPARTEMENTS
        assert abs(org.latitude - org.commune.latitude) < 0.05
        assert abs(org.longitude - org.commune.longitude) < 0.08
        assert org.geo_precision in {"municipality", "street", "housenumber"}
        assert org.map_cell_6 is not None and org.search_text
    # Weighted by population: Lille (236,000) gets more actors than Le Quesnoy (4,800).
    per_commune = {
        code: Organisation.objects.filter(commune_id=code).count() for code in ("59350", "59481")
    }
    assert per_commune["59350"] > 3 * per_commune["59481"]
    addressed = Organisation.objects.exclude(geo_precision="municipality")
    assert all(org.address for org in addressed)


def test_sirets_are_valid_and_unique(hdf_communes):
    build_demo_network(size=200, seed=1)
    sirets = list(Organisation.objects.exclude(siret="").values_list("siret", flat=True))
    assert len(sirets) > 100
    assert len(set(sirets)) == len(sirets)
    assert all(is_valid_siret(s) for s in sirets)
    # The SIREN inside is keyed too, as INSEE's are.
    assert all(luhn_key(s[:8]) == s[8] for s in sirets)


def test_luhn_key_matches_the_official_check():
    assert luhn_key("7328293200007") == "4"  # 732 829 320 00074, a real SIRET
    assert all(is_valid_siret(siret_for(index, seed)) for index in range(500) for seed in (1, 7))
    assert len({siret_for(index, 1) for index in range(5000)}) == 5000


def test_the_five_demo_accounts_and_their_roles(hdf_communes):
    build_demo_network(size=20, seed=1)
    from tisser.accounts.models import User

    users = {u.email: u for u in User.objects.filter(email__endswith="@demo.tisser.fr")}
    assert set(users) == {
        "admin@demo.tisser.fr",
        "editeur@demo.tisser.fr",
        "representant@demo.tisser.fr",
        "adherent@demo.tisser.fr",
        "public@demo.tisser.fr",
    }
    assert all(u.email_verified and u.check_password(DEMO_PASSWORD) for u in users.values())
    assert users["admin@demo.tisser.fr"].is_staff_admin
    assert users["editeur@demo.tisser.fr"].is_staff_editor
    assert not users["editeur@demo.tisser.fr"].is_staff_admin
    assert not users["public@demo.tisser.fr"].is_staff_editor

    representative = Affiliation.objects.get(person__user=users["representant@demo.tisser.fr"])
    assert representative.organisation.slug == "coop-manau" and representative.is_representative
    assert (representative.status, representative.source) == ("verified", "demo")
    member = Affiliation.objects.get(person__user=users["adherent@demo.tisser.fr"])
    assert member.organisation.is_member and not member.is_representative
    assert member.status == "verified"
    assert not Affiliation.objects.filter(person__user=users["public@demo.tisser.fr"]).exists()

    # The roles as the permission rules read them.
    from tisser.accounts.roles import is_staff_editor
    from tisser.directory import permissions

    rep, adherent = users["representant@demo.tisser.fr"], users["adherent@demo.tisser.fr"]
    assert [o.slug for o in permissions.represented_organisations(rep)] == ["coop-manau"]
    other = Organisation.objects.get(slug="bazaar-st-so")
    assert not permissions.can_edit_organisation(rep, other)
    assert permissions.is_member_user(adherent)
    assert not permissions.is_member_user(users["public@demo.tisser.fr"])
    assert is_staff_editor(users["editeur@demo.tisser.fr"])


def test_the_command_says_what_it_did_in_one_line_and_the_logins_are_ready_for_serve(
    hdf_communes, monkeypatch
):
    from tisser.core.console import startup_notes

    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    out = StringIO()
    call_command("load_demo", "--size", "30", stdout=out)
    assert out.getvalue().startswith("Demo network: 30 actors added")
    assert out.getvalue().count("\n") == 1
    notes = [line for note in startup_notes() for line in note]
    assert any(DEMO_PASSWORD in line for line in notes)
    for email in ("admin@demo.tisser.fr", "representant@demo.tisser.fr", "public@demo.tisser.fr"):
        assert any(email in line for line in notes)

    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    out = StringIO()
    call_command("load_demo", "--size", "30", stdout=out)
    assert "déjà chargé" in out.getvalue() and "30" in out.getvalue()
    assert Organisation.objects.count() == 30


def test_a_big_load_rebuilds_the_search_index_once(hdf_communes, monkeypatch):
    monkeypatch.setattr(demo_loader, "BIG_LOAD", 10)
    build_demo_network(size=60, seed=1)
    found = filter_organisations({"q": "cabanes inspirees"})
    assert list(found.values_list("slug", flat=True)) == ["les-cabanes-inspirees"]
    some = Organisation.objects.filter(status="published").exclude(slug__startswith="les-c").last()
    word = some.name.split()[0]
    assert some in filter_organisations({"q": word})


def _index_definitions() -> set:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'directory_%%' "
                "UNION SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid::regclass::text LIKE 'directory_%%'"
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger', 'table') "
                "AND name LIKE 'directory_%%'"
            )
        return set(cursor.fetchall())


def test_a_big_load_leaves_every_index_and_constraint_as_it_was(hdf_communes, monkeypatch):
    before = _index_definitions()
    assert any("map_cell_6" in (definition or "") for _name, definition in before)
    monkeypatch.setattr(demo_loader, "BIG_LOAD", 10)
    build_demo_network(size=40, seed=1)
    assert _index_definitions() == before
    # The unique indexes are back in force.
    org = Organisation.objects.exclude(siret="").first()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Doublon", slug="doublon", siret=org.siret)


def test_with_the_territories_tisser_ships():
    """Against the real reference data: the five départements, weighted by population."""
    from django.db.models import Count

    from tisser.territories.services import load_reference_data

    load_reference_data(departements=DEPARTEMENTS)
    build_demo_network(size=1500, seed=1)
    per_departement = dict(
        Organisation.objects.values_list("commune__departement_id")
        .annotate(n=Count("id"))
        .values_list("commune__departement_id", "n")
    )
    assert set(per_departement) == set(DEPARTEMENTS)
    assert per_departement["59"] == max(per_departement.values())  # the Nord: 2.6 million
    busiest = (
        Organisation.objects.values_list("commune__name")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("commune__name", flat=True)[:5]
    )
    assert "Lille" in busiest
    assert Organisation.objects.filter(commune__isnull=True).count() == 0


def test_the_block_make_run_ends_with_brings_the_demo_logins():
    from django.utils import translation

    from tisser.core.management.commands.serve import Command
    from tisser.directory.demo.users import DEMO_USERS, ensure_demo_users

    ensure_demo_users()
    with translation.override("fr"):
        block = Command().block("http://127.0.0.1:8000", "/tmp/worker.log")
    assert f"Comptes de démonstration (mot de passe\u00a0: {DEMO_PASSWORD})" in block
    for email, *_rest in DEMO_USERS:
        assert email in block
    assert "représentant·e de Coop Manau" in block
