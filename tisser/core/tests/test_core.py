import pytest
from django.urls import reverse

from tisser.core.text import fold


def test_fold_ignores_accents_case_and_punctuation():
    assert fold("Économie  Solidaire !") == "economie solidaire"
    assert fold("Tiers-Lieux à Lille") == "tiers lieux a lille"
    assert fold("") == ""


@pytest.mark.django_db
def test_health_reports_database(client):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy


@pytest.mark.django_db
def test_french_by_default_and_english_on_request(client):
    assert 'lang="fr"' in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()
