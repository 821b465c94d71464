"""The territory admin: searchable, read-only."""

import pytest
from django.urls import reverse


@pytest.fixture
def admin_client(client, hauts_de_france):
    from tisser.accounts.models import User

    user = User.objects.create_superuser(email="root@example.org", password="x-long-password-1")
    client.force_login(user)
    return client


def test_commune_search_ignores_accents_and_reads_codes(admin_client):
    url = reverse("admin:territories_commune_changelist")
    page = admin_client.get(url, {"q": "bethune"}).content.decode()
    assert "Béthune" in page and "62119" in page
    page = admin_client.get(url, {"q": "59350"}).content.decode()
    assert "Lille" in page


@pytest.mark.parametrize("model", ["region", "departement", "epci", "commune"])
def test_territories_cannot_be_added_changed_or_deleted(admin_client, model):
    assert admin_client.get(reverse(f"admin:territories_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:territories_{model}_add")).status_code == 403


def test_a_commune_page_shows_but_does_not_save(admin_client):
    from tisser.territories.models import Commune

    url = reverse("admin:territories_commune_change", args=["59350"])
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"name": "Autre", "latitude": "1"})
    assert Commune.objects.get(code="59350").name == "Lille"
    delete = reverse("admin:territories_commune_delete", args=["59350"])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Commune.objects.filter(code="59350").exists()
