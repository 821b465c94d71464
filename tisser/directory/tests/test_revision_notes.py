"""System notes in the history are stored as a code and translated when shown."""

import pytest
from django.urls import reverse
from django.utils import translation

from tisser.directory.contacts import merging, services
from tisser.directory.models import Organisation, OrganisationRevision
from tisser.territories.geocoding import Location


@pytest.fixture
def org(communes, categories):
    return services.create_organisation(
        {"name": "La Boîte à Vélos", "commune": "59350", "address": "3 rue des Arts"}
    )


def location(label):
    return Location(
        latitude=50.63, longitude=3.05, precision="housenumber", commune_code="59350", label=label
    )


def test_geocoding_note_is_stored_as_a_code_and_read_in_each_language(org):
    services.store_location(org.pk, location("3 Rue des Arts 59000 Lille"))
    revision = org.revisions.get(source=OrganisationRevision.Source.SYSTEM)
    assert revision.note == "" and revision.note_code == "geocoded"
    assert revision.note_params == {"label": "3 Rue des Arts 59000 Lille"}
    with translation.override("fr"):
        assert revision.display_note == "Géocodage\u00a0: 3 Rue des Arts 59000 Lille"
    with translation.override("en"):
        assert revision.display_note == "Geocoding: 3 Rue des Arts 59000 Lille"


def test_merge_note_follows_the_readers_language(client, org, make_user):
    other = services.create_organisation({"name": "Boite a Velos", "commune": "59350"})
    merging.merge_organisations(org, other, author=None)
    revision = OrganisationRevision.objects.get(source=OrganisationRevision.Source.MERGE)
    assert revision.note_code == "merged" and revision.note_params == {"name": "Boite a Velos"}
    client.force_login(make_user("editeur@example.org", staff_role="editor", language="en"))
    url = reverse("directory:staff_detail", args=[revision.organisation_id])
    # The editor's page is in French until they switch: the same row reads in both.
    client.post(reverse("accounts:set_language"), {"language": "fr", "next": url})
    assert "Fusionnée avec «\u00a0Boite a Velos\u00a0»" in client.get(url).content.decode()
    client.post(reverse("accounts:set_language"), {"language": "en", "next": url})
    assert "Merged with “Boite a Velos”" in client.get(url).content.decode()


def test_old_notes_stored_as_text_stay_readable(org):
    old = OrganisationRevision.objects.create(
        organisation=org,
        source=OrganisationRevision.Source.SYSTEM,
        changes={"latitude": [None, 50.6]},
        note="Géocodage : 3 Rue des Arts 59000 Lille",
    )
    with translation.override("en"):
        assert old.display_note == "Géocodage : 3 Rue des Arts 59000 Lille"
    coded_with_text = OrganisationRevision(note_code="merged", note_params={"name": "X"}, note="ok")
    with translation.override("en"):
        assert coded_with_text.display_note == "Merged with “X” — ok"
    unknown = OrganisationRevision(note_code="later-code", note_params={}, note="")
    assert unknown.display_note == ""
    assert Organisation.objects.count() == 1
