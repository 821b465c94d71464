"""The search index keeps text words and filter words apart, and follows every write.

On PostgreSQL both live in one stored `search_vector` (text words weight D, filter words
weight A) under one GIN index; on SQLite in two columns of the FTS5 table. Either way a
word typed in the search box never matches a filter word and a filter never matches a
word of the text, and the index follows saves, category links, merges, imports, bulk
writes and the demo loader.
"""

import pytest
from django.db import connection
from django.http import QueryDict

from tisser.core.text import fold
from tisser.directory.contacts import services
from tisser.directory.demo import build_demo_network
from tisser.directory.demo import loader as demo_loader
from tisser.directory.imports import confirm_import, start_import
from tisser.directory.indexing import refresh_derived_fields
from tisser.directory.map.queries import public_organisations
from tisser.directory.map.queries_list import list_page
from tisser.directory.map.search import (
    PG_OLD_INDEXES,
    PG_VECTOR_INDEX,
    install_search_index,
    remove_search_vector,
)
from tisser.directory.models import Organisation

from . import demo_fixtures
from .test_import import GOOD, csv_bytes

hdf_communes = demo_fixtures.hdf_communes


def postgres_only(test):
    skip = pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="search_vector is PostgreSQL's column (SQLite keeps the words in FTS5)",
    )
    return pytest.mark.postgres(skip(test))


def listed(query: str) -> list[str]:
    return [org.name for org in list_page(QueryDict(query))["organisations"]]


def test_a_typed_word_never_matches_a_filter_word(communes, categories):
    food = categories["alimentation"]
    services.create_organisation(
        {"name": "Épicerie", "commune": "59350", "legal_form": "association"}
    )
    # Filter words of this actor: c<pk>, d59, r32, lassociation, member0.
    assert listed("q=lassoc") == []
    assert listed("q=d59") == []
    assert listed("q=member0") == []
    assert listed(f"q=c{food.pk}") == []
    # …unless the text holds them.
    services.create_organisation({"name": "Collectif D59", "commune": "62041"})
    assert listed("q=d59") == ["Collectif D59"]


def test_a_filter_never_matches_a_word_of_the_text(communes, categories):
    food = categories["alimentation"]
    services.create_organisation(
        {
            "name": "Atelier vélo",
            "commune": "62041",  # Pas-de-Calais
            "description": f"member1 d59 r32 lscop c{food.pk}",
        }
    )
    services.create_organisation(
        {"name": "Atelier du Nord", "commune": "59350", "categories": ["alimentation"]}
    )
    assert listed("q=atelier&territory=dep-59") == ["Atelier du Nord"]
    assert listed("q=atelier&member=1") == []
    assert listed("q=atelier&legal_form=scop") == []
    assert listed("q=atelier&category=alimentation") == ["Atelier du Nord"]
    assert listed("q=atelier&territory=reg-32") == ["Atelier du Nord", "Atelier vélo"]


# --- PostgreSQL: the stored vector ---------------------------------------------------


def vector(org) -> dict[str, set[str]]:
    """The words of an organisation's `search_vector` and their weights."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme, weights FROM directory_organisation, unnest(search_vector) "
            "WHERE id = %s",
            [org.pk],
        )
        return {lexeme: set(weights) for lexeme, weights in cursor.fetchall()}


def assert_vector_follows(org) -> None:
    """The vector holds exactly the text words (D) and the filter words (A) of the row."""
    org = Organisation.objects.get(pk=org.pk)
    expected: dict[str, set[str]] = {}
    for word in org.search_text.split():
        expected.setdefault(word, set()).add("D")
    for word in org.filter_tags.split():
        expected.setdefault(word, set()).add("A")
    assert vector(org) == expected, org.name


@postgres_only
def test_the_vector_follows_saves_and_category_links(communes, categories):
    food, third = categories["alimentation"], categories["tiers-lieux"]
    org = services.create_organisation(
        {"name": "Épicerie du coin", "commune": "59350", "categories": ["alimentation"]}
    )
    assert vector(org)["epicerie"] == {"D"}
    assert vector(org)[f"c{food.pk}"] == {"A"}
    assert vector(org)["lille"] == {"D"}
    assert_vector_follows(org)

    services.update_organisation(
        org, {"name": "Épicerie solidaire", "commune": "62041", "categories": ["tiers-lieux"]}
    )
    services.set_membership_status(org, True)
    assert_vector_follows(org)
    assert "coin" not in vector(org) and f"c{food.pk}" not in vector(org)
    assert {f"c{third.pk}", "d62", "member1", "arras"} <= set(vector(org))

    food.organisations.add(org)  # from the category's side: an m2m signal and an update()
    assert vector(org)[f"c{food.pk}"] == {"A"}
    food.organisations.clear()
    assert f"c{food.pk}" not in vector(org)
    assert_vector_follows(org)


@postgres_only
def test_the_vector_follows_merges_imports_and_bulk_writes(
    communes, categories, make_user, django_capture_on_commit_callbacks
):
    keep = services.create_organisation(
        {"name": "Coop", "commune": "59350", "categories": ["alimentation"]}
    )
    dup = services.create_organisation({"name": "Coop bis", "categories": ["tiers-lieux"]})
    merged = services.merge_organisations(keep, dup, author=make_user("e@example.org"))
    assert f"c{categories['tiers-lieux'].pk}" in vector(merged)
    assert_vector_follows(merged)

    job = start_import("orgs.csv", csv_bytes(GOOD), author=make_user("i@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        confirm_import(job)
    for org in Organisation.objects.filter(name__in=["Roubaix Coop", "La Fabrique"]):
        assert_vector_follows(org)

    orgs = []
    for i in range(3):
        org = Organisation(name=f"Ressourcerie {i}", slug=f"ressourcerie-{i}")
        refresh_derived_fields(org, category_ids=[categories["mobilite"].pk])
        orgs.append(org)
    created = Organisation.objects.bulk_create(orgs)
    for org in created:
        assert vector(org)[f"c{categories['mobilite'].pk}"] == {"A"}
        org.name = "Recyclerie"
        refresh_derived_fields(org, category_ids=[])
    Organisation.objects.bulk_update(created, ["name", "search_text", "filter_tags"])
    for org in created:
        assert_vector_follows(org)
        assert "recyclerie" in vector(org) and "ressourcerie" not in vector(org)


@pytest.mark.parametrize("big", [False, True])  # row by row / indexes rebuilt at the end
@postgres_only
def test_the_demo_loader_fills_the_vector_and_its_index(hdf_communes, monkeypatch, big):
    if big:
        monkeypatch.setattr(demo_loader, "BIG_LOAD", 50)
    build_demo_network(size=120, seed=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM directory_organisation WHERE search_vector IS DISTINCT FROM "
            "setweight(to_tsvector('simple', search_text), 'D') || "
            "setweight(to_tsvector('simple', filter_tags), 'A')"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'directory_organisation'"
        )
        indexes = {row[0] for row in cursor.fetchall()}
    assert PG_VECTOR_INDEX in indexes
    assert not indexes & set(PG_OLD_INDEXES)


@postgres_only
def test_a_word_and_a_filter_are_one_condition_the_index_answers(communes, categories):
    lille, arras = communes["lille"], communes["arras"]
    Organisation.objects.bulk_create(
        Organisation(
            name=name,
            slug=f"org-{i}",
            commune=arras if i % 20 == 0 else lille,
            search_text=fold(name),
            filter_tags="d62 member0" if i % 20 == 0 else "d59 member0",
        )
        for i in range(2000)
        for name in [f"Vélo {i}" if i % 10 == 0 else f"Ressourcerie {i}"]
    )
    qs = public_organisations(QueryDict("q=velo&territory=dep-59&member=0"))
    condition = "(search_vector @@ '''velo'':*D & ''d59'':A & ''member0'':A'::tsquery)"

    def plan(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE directory_organisation")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())

    # The filter words are inside the one full-text condition, not tests of their own…
    sql, params = qs.values("id").query.sql_with_params()
    assert sql.count("@@") == 1, sql
    found = plan(sql, params)
    assert condition in found, found
    assert not any(word in found for word in ("LIKE", "~~", "Join", "SubPlan")), found
    # …and the GIN index answers that condition by itself (a weight-restricted prefix).
    found = plan(
        "SELECT id FROM directory_organisation WHERE search_vector @@ %s::tsquery",
        ["velo:*D & d59:A & member0:A"],
    )
    assert f"Bitmap Index Scan on {PG_VECTOR_INDEX}" in found, found
    assert f"Index Cond: {condition}" in found, found
    assert qs.count() == 100  # 200 "Vélo", half of them in Arras


@postgres_only
def test_a_database_of_the_old_layout_gets_the_vector(communes, categories):
    """What migration 0008 does on a database that had the GIN index on the text alone:
    the column is computed for the rows already there, the old index goes."""
    org = services.create_organisation({"name": "Garage solidaire", "commune": "59350"})
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no DDL with pending FK checks
    remove_search_vector(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX {PG_OLD_INDEXES[0]} ON directory_organisation "
            "USING gin (to_tsvector('simple', search_text))"
        )
    install_search_index(connection)
    install_search_index(connection)  # idempotent
    assert_vector_follows(org)
    assert listed("q=gar&territory=dep-59") == ["Garage solidaire"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'directory_organisation'"
        )
        indexes = {row[0] for row in cursor.fetchall()}
    assert PG_VECTOR_INDEX in indexes and PG_OLD_INDEXES[0] not in indexes
