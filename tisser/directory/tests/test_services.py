"""The contacts base's write rules: de-duplication, revisions, sanitising, merging."""

import pytest
from django.core.exceptions import ValidationError

from tisser.directory.contacts import services
from tisser.directory.models import (
    Affiliation,
    Consent,
    GeoPrecision,
    Organisation,
    OrganisationRevision,
    Person,
)

VALID_SIRET = "73282932000074"
OTHER_SIRET = "44306184100047"


def test_create_records_a_revision_with_what_was_set(communes, categories, make_user):
    editor = make_user("e@example.org", staff_role="editor")
    org = services.create_organisation(
        {
            "name": "La Fabrique",
            "commune": "59350",
            "siret": "732 829 320 00074",
            "categories": ["alimentation"],
        },
        author=editor,
    )
    assert org.siret == VALID_SIRET
    assert org.commune == communes["lille"]
    assert org.slug == "la-fabrique-lille"
    assert org.match_key == "la fabrique|59350"
    assert list(org.categories.values_list("slug", flat=True)) == ["alimentation"]
    revision = org.revisions.get()
    assert revision.author == editor
    assert revision.source == OrganisationRevision.Source.STAFF
    assert revision.changes["name"] == ["", "La Fabrique"]
    assert revision.changes["commune"] == [None, "59350"]
    assert revision.changes["categories"] == [[], ["alimentation"]]


def test_update_records_only_what_changed(communes):
    org = services.create_organisation({"name": "Coop", "commune": communes["lille"]})
    services.update_organisation(
        org,
        {"name": "Coop", "website": "https://coop.example"},
        source=OrganisationRevision.Source.REPRESENTATIVE,
    )
    latest = org.revisions.first()
    assert latest.source == "representative"
    assert latest.changes == {"website": ["", "https://coop.example"]}
    services.update_organisation(org, {"name": "Coop"})  # nothing changed: no revision
    assert org.revisions.count() == 2


def test_second_organisation_same_name_gets_its_own_slug(communes):
    first = services.create_organisation({"name": "Coop", "commune": "59350"})
    second = services.create_organisation({"name": "Coop", "commune": "59350"})
    assert first.slug != second.slug


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "X", "siret": "12345678901234"}, "siret"),
        ({"name": "X", "commune": "99999"}, "commune"),
        ({"name": "X", "latitude": 95, "longitude": 3}, "latitude"),
        ({"name": "X", "latitude": 50, "longitude": 190}, "longitude"),
        ({"name": "X", "latitude": 50}, "latitude"),
        ({"name": "X", "categories": ["inconnue"]}, "categories"),
        ({"name": "X", "email": "pas-un-email"}, "email"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(communes, categories, data, field):
    with pytest.raises(ValidationError) as error:
        services.create_organisation(data)
    assert field in error.value.message_dict
    assert all(error.value.message_dict[field])
    assert not Organisation.objects.exists()


def test_siret_already_used_is_refused(communes):
    services.create_organisation({"name": "A", "siret": VALID_SIRET})
    with pytest.raises(ValidationError) as error:
        services.create_organisation({"name": "B", "siret": VALID_SIRET})
    assert "A" in error.value.message_dict["siret"][0]


def test_description_is_sanitised(db):
    org = services.create_organisation(
        {
            "name": "X",
            "description": '<p onclick="evil()">Bonjour <strong>vous</strong></p>'
            "<script>alert(1)</script><style>p{}</style>"
            '<a href="javascript:alert(1)">x</a><a href="https://a.fr">a</a>',
        }
    )
    assert "script" not in org.description
    assert "alert" not in org.description
    assert "style" not in org.description
    assert "onclick" not in org.description
    assert "<strong>vous</strong>" in org.description
    assert 'href="https://a.fr"' in org.description
    assert "noopener" in org.description


def test_find_duplicate_by_siret_then_name_and_commune(communes):
    org = services.create_organisation(
        {"name": "Les Jardins d'Été", "commune": "59350", "siret": VALID_SIRET}
    )
    assert services.find_duplicate(name="Autre nom", commune_code=None, siret=VALID_SIRET) == org
    assert services.find_duplicate(name="les jardins d ete", commune_code="59350") == org
    assert services.find_duplicate(name="Les Jardins d'Été", commune_code="59512") is None
    same, created = services.find_or_create_organisation(
        {"name": "LES JARDINS D'ETE", "commune": "59350"}
    )
    assert (same, created) == (org, False)
    other, created = services.find_or_create_organisation({"name": "Jardins", "commune": "59512"})
    assert created and other != org
    assert Organisation.objects.count() == 2


def test_find_or_create_person_never_duplicates(db):
    person, created = services.find_or_create_person(email="Ana@Example.org", first_name="Ana")
    assert created and person.email == "ana@example.org"
    again, created = services.find_or_create_person(
        email="ana@example.ORG", last_name="Lopez", first_name="Autre"
    )
    assert (again, created) == (person, False)
    again.refresh_from_db()
    assert again.first_name == "Ana"  # filled fields are kept
    assert again.last_name == "Lopez"  # empty ones are filled
    assert Person.objects.count() == 1
    with pytest.raises(ValidationError):
        services.find_or_create_person(email="pas un email")


def test_affiliate_and_consent(communes):
    org = services.create_organisation({"name": "Coop"})
    person, _ = services.find_or_create_person(email="a@example.org")
    services.affiliate(person, org, role="Présidente", is_representative=True)
    services.affiliate(person, org)  # never downgrades
    affiliation = Affiliation.objects.get()
    assert affiliation.is_representative and affiliation.role == "Présidente"
    consent = services.record_consent(
        person, purpose="newsletter", method="paper", wording="J'accepte", source="Salon"
    )
    assert consent.at is not None and consent.given
    with pytest.raises(ValidationError):
        services.record_consent(person, purpose="nope", method="paper")
    assert Consent.objects.count() == 1


def test_typed_coordinates_are_placed_by_hand(communes):
    org = services.create_organisation({"name": "X", "latitude": "50,6", "longitude": 3.1})
    assert org.latitude == 50.6 and org.geo_precision == GeoPrecision.MANUAL


def test_address_change_queues_geocoding_after_commit(communes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        org = services.create_organisation({"name": "X", "commune": "59350"})
    assert len(callbacks) == 1
    org.refresh_from_db()
    # Offline in tests: geocoding falls back to the commune centre.
    lille = communes["lille"]
    assert (org.latitude, org.longitude) == (lille.latitude, lille.longitude)
    assert org.geo_precision == GeoPrecision.MUNICIPALITY
    assert org.geocoded_at is not None
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.update_organisation(org, {"website": "https://x.example"})
    assert callbacks == []  # no address change, no geocoding
    services.update_organisation(org, {"latitude": 50.7, "longitude": 3.2})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.update_organisation(org, {"commune": "59512"})
    assert callbacks == []  # placed by hand: kept
    org.refresh_from_db()
    assert (org.latitude, org.geo_precision) == (50.7, GeoPrecision.MANUAL)


def test_merge_moves_people_categories_revisions_and_fills_empty_fields(
    communes, categories, make_user
):
    editor = make_user("e@example.org", staff_role="editor")
    keep = services.create_organisation(
        {"name": "Coop", "commune": "59350", "categories": ["alimentation"]}
    )
    dup = services.create_organisation(
        {
            "name": "Coop (doublon)",
            "siret": VALID_SIRET,
            "website": "https://coop.example",
            "categories": ["tiers-lieux"],
        }
    )
    shared, _ = services.find_or_create_person(email="s@example.org")
    only_dup, _ = services.find_or_create_person(email="d@example.org")
    services.affiliate(shared, keep, role="")
    services.affiliate(shared, dup, role="Trésorier", is_representative=True)
    services.affiliate(only_dup, dup)
    dup_revisions = list(dup.revisions.values_list("pk", flat=True))

    preview = services.merge_preview(keep, dup)
    assert preview["people_moved"] == 1 and preview["people_shared"] == 1
    assert preview["categories_added"] == ["tiers-lieux"]

    merged = services.merge_organisations(keep, dup, author=editor)
    assert not Organisation.objects.filter(pk=dup.pk).exists()
    assert merged.siret == VALID_SIRET and merged.website == "https://coop.example"
    assert merged.name == "Coop" and merged.commune_id == "59350"
    assert set(merged.categories.values_list("slug", flat=True)) == {"alimentation", "tiers-lieux"}
    assert set(merged.people.all()) == {shared, only_dup}
    shared_aff = Affiliation.objects.get(person=shared)
    assert shared_aff.is_representative and shared_aff.role == "Trésorier"
    assert set(dup_revisions) <= set(merged.revisions.values_list("pk", flat=True))
    merge_revision = merged.revisions.first()
    assert merge_revision.source == OrganisationRevision.Source.MERGE
    assert merge_revision.author == editor
    assert merge_revision.changes["siret"] == ["", VALID_SIRET]
    with pytest.raises(ValidationError):
        services.merge_organisations(merged, merged, author=editor)


def test_set_membership_status(db):
    org = services.create_organisation({"name": "Coop"})
    services.set_membership_status(org, True)
    org.refresh_from_db()
    assert org.is_member
    assert org.revisions.first().source == OrganisationRevision.Source.SYSTEM


def test_clearing_hand_placed_coordinates_locates_from_the_address_again(
    communes, django_capture_on_commit_callbacks
):
    org = services.create_organisation(
        {"name": "X", "commune": "59350", "latitude": 50.7, "longitude": 3.2}
    )
    assert org.geo_precision == GeoPrecision.MANUAL
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.update_organisation(org, {"latitude": "", "longitude": ""})
    assert len(callbacks) == 1
    org.refresh_from_db()
    assert (org.latitude, org.geo_precision) == (
        communes["lille"].latitude,
        GeoPrecision.MUNICIPALITY,
    )


def test_merge_moves_rows_of_other_models_pointing_at_the_duplicate(communes, make_user):
    """Later modules attach rows to organisations: a merge must not delete them."""
    from tisser.directory.models import Proposal

    keep = services.create_organisation({"name": "Coop"})
    dup = services.create_organisation({"name": "Coop bis"})
    proposal = Proposal.objects.create(
        kind=Proposal.Kind.CHANGE,
        organisation=dup,
        data={"phone": "03 20 00 00 00"},
        proposer_name="Paul",
        proposer_email="paul@example.org",
    )
    services.merge_organisations(keep, dup, author=make_user("e@example.org"))
    proposal.refresh_from_db()
    assert proposal.organisation == keep
