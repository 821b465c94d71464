"""What cannot be undone, done twice by a second click or the back button, is done once:
merging two organisations, erasing a person."""

import pytest
from django.urls import reverse

from tisser.directory.models import Organisation, OrganisationRevision, Person, PersonEvent

pytestmark = pytest.mark.django_db


def test_merging_twice_merges_once_and_says_so(client, role_users):
    client.force_login(role_users["editor"])
    keep = Organisation.objects.create(name="Coop Manau Lens", slug="coop-manau-lens")
    duplicate = Organisation.objects.create(name="Coop Manau (Lens)", slug="coop-manau-lens-2")
    url = reverse("directory:staff_merge")
    preview = client.get(url, {"keep": keep.pk, "duplicate": duplicate.pk}).content.decode()
    assert "sera fusionnée dans" in preview and "puis supprimée" in preview
    data = {"keep": keep.pk, "duplicate": duplicate.pk}
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert again.status_code == 200
    assert "n’en font déjà plus qu’une" in again.content.decode()
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    merges = OrganisationRevision.objects.filter(
        organisation=keep, source=OrganisationRevision.Source.MERGE
    )
    assert merges.count() == 1


def test_the_merge_service_refuses_a_duplicate_gone_meanwhile(role_users):
    from django.core.exceptions import ValidationError

    from tisser.directory.contacts import services

    keep = Organisation.objects.create(name="A", slug="a")
    duplicate = Organisation.objects.create(name="B", slug="b")
    stale = Organisation.objects.get(pk=duplicate.pk)
    services.merge_organisations(keep, duplicate, author=role_users["editor"])
    with pytest.raises(ValidationError):
        services.merge_organisations(keep, stale, author=role_users["editor"])


def test_erasing_twice_erases_once_and_says_so(client, role_users):
    person = Person.objects.create(first_name="Camille", last_name="Martin", email="c@example.org")
    client.force_login(role_users["admin"])
    url = reverse("directory:staff_person_erase", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Effacer cette personne définitivement" in page or "définitivement" in page
    client.post(url)
    again = client.post(url, follow=True).content.decode()
    assert "déjà été effacées" in again
    assert PersonEvent.objects.filter(person=person, action=PersonEvent.Action.ERASED).count() == 1
