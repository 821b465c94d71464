"""The home page leads to every part of the platform a visitor may use."""

import pytest


@pytest.mark.django_db
def test_home_page_has_an_entry_for_each_public_part(client):
    page = client.get("/").content.decode()
    for address in (
        "/carte/",
        "/agenda/",
        "/actualites/",
        "/infolettre-inscription/",
        "/ressources/",
        "/adhesion/",
        "/groupes/",
        "/observatoire/",
        "/sourcing/",
    ):
        assert f'href="{address}"' in page, address
    assert "Trouvez les acteurs" in page
