"""The French faults the issue found, gone from the pages themselves."""

import re

import pytest
from django.urls import reverse

from . import staff_data

pytestmark = pytest.mark.django_db


def test_the_publications_tab_shows_its_title_not_template_html(client, role_users):
    client.force_login(role_users["editor"])
    html = client.get(reverse("publications:staff_home")).content.decode()
    assert re.search(r"<title>([^<]*)</title>", html).group(1) == "Infolettres · Tisser"


def test_the_network_takes_its_article(client):
    html = client.get(reverse("memberships:join")).content.decode()
    assert "Adhérer à l’APES Hauts-de-France" in html
    assert "à APES" not in html


def test_an_audience_is_not_glued_to_a_preposition(client, role_users):
    data = staff_data.build()
    event = data["fresque"]
    event.reserved_for = "les acteurs du Budget citoyen"
    event.save()
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Public visé\u00a0: les acteurs du Budget citoyen." in html
    assert "à les" not in html


def test_counts_agree_with_their_noun_and_days_are_written_out(client, role_users):
    data = staff_data.build()
    client.force_login(role_users["editor"])
    html = client.get(
        reverse("events:staff_participants", args=[data["fresque"].pk])
    ).content.decode()
    assert "5 confirmé·e·s, 2 en liste d’attente, 0 annulé·e." in html
    assert "7 inscriptions" in html
    assert not re.search(r"\b\d+ (Jan|Fév|Mar|Avr|Mai|Jui|Jul|Aoû|Sep|Oct|Nov|Déc)\b", html)
    assert "(e)" not in html and "·es " not in html
    # The filter button is a verb.
    assert ">Filtrer</button>" in re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
