"""The public observatory: indicator pages (map, table, charts), values JSON, CSV export,
territory pages, embeds and live indicators."""

import csv
import io
import json

import pytest
from django.urls import reverse

from tisser.observatory import queries
from tisser.observatory.models import Level

pytestmark = pytest.mark.django_db


def test_home_lists_indicators_by_theme(client, waste):
    response = client.get(reverse("observatory:home"))
    assert response.status_code == 200
    assert "Déchets ménagers" in response.content.decode()
    assert "tisser-acteurs-pour-10000-habitants" in response.content.decode()


def test_indicator_map_page_has_config_and_legend(client, waste):
    response = client.get(reverse("observatory:indicator", args=[waste.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="obs-map-config"' in body
    assert "/territoires/departements.geojson" in body
    assert "2023" in body  # the latest year is chosen
    assert "<svg" in body  # evolution and comparison charts


def test_values_json_is_compact_and_keyed_by_insee_code(client, waste):
    url = reverse("observatory:values_json", args=[waste.slug])
    response = client.get(url + "?niveau=departement&annee=2022")
    data = json.loads(response.content)
    assert data["values"] == {"02": 605.0, "59": 575.0, "60": 635.0, "62": 595.0, "80": 565.0}
    assert data["breaks"] == sorted(data["breaks"]) and data["breaks"][-1] == 635.0
    assert b" " not in response.content  # no spaces: compact
    again = client.get(url + "?niveau=departement&annee=2022", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_table_sorts_filters_and_exports(client, waste):
    url = reverse("observatory:indicator", args=[waste.slug])
    body = client.get(url + "?vue=tableau&tri=name").content.decode()
    order = [body.index(name) for name in ("Aisne", "Nord", "Oise", "Pas-de-Calais", "Somme")]
    assert order == sorted(order)
    body = client.get(url + "?vue=tableau&tri=-value").content.decode()
    assert body.index("Oise") < body.index("Somme")
    body = client.get(url + "?vue=tableau&q=som").content.decode()
    assert "Somme" in body and "Oise" not in body
    export = client.get(
        reverse("observatory:values_csv", args=[waste.slug]) + "?tri=value&annee=2021"
    )
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:5] == ["code_insee", "territoire", "niveau", "annee", "valeur"]
    assert [r[0] for r in rows[1:]] == ["80", "59", "62", "02", "60"]
    assert rows[1][4] == "570.0"


def test_commune_level_table_and_map_of_one_departement(client, waste):
    url = reverse("observatory:indicator", args=[waste.slug])
    body = client.get(url + "?niveau=commune&vue=tableau&departement=80").content.decode()
    assert "Albert" in body and "Lille" not in body
    body = client.get(url + "?niveau=commune").content.decode()
    assert "communes.geojson?departement=" in body
    centres = client.get(reverse("observatory:commune_centres") + "?departement=80").json()
    assert len(centres) > 700 and "80016" in centres


def test_unknown_indicator_and_unpublished_ones_are_404_for_the_public(client, waste):
    assert client.get(reverse("observatory:indicator", args=["nope"])).status_code == 404
    waste.is_published = False
    waste.save()
    assert client.get(reverse("observatory:indicator", args=[waste.slug])).status_code == 404


def test_embed_is_framable_and_holds_the_chart(client, waste):
    response = client.get(reverse("observatory:embed", args=[waste.slug]) + "?graphique=evolution")
    assert response.status_code == 200
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    body = response.content.decode()
    assert "<svg" in body and "2021" in body and "2023" in body


def test_territory_page_gathers_indicators_and_actors(client, waste, suppliers):
    response = client.get(reverse("observatory:territory", args=["dep-80"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Somme" in body and "Déchets ménagers" in body
    assert "Ressourcerie du Coquelicot" in body
    assert "Recyclerie de Lille" not in body
    assert client.get(reverse("observatory:territory", args=["dep-XX"])).status_code == 404
    search = client.get(reverse("observatory:territory_search") + "?q=Albert")
    assert search.status_code == 302 and search["Location"].endswith("/80016/")


def test_live_indicators_count_published_actors(client, suppliers):
    live = queries.get_indicator("tisser-acteurs")
    assert live.values(Level.DEPARTEMENT) == {"80": 3.0, "59": 1.0}
    per10k = queries.get_indicator("tisser-acteurs-pour-10000-habitants")
    population = queries.populations_of(Level.COMMUNE)["80016"]
    assert per10k.values(Level.COMMUNE)["80016"] == round(10_000 / population, 2)
    category = queries.get_indicator("tisser-categorie-reemploi")
    assert category.values(Level.REGION) == {"32": 2.0}
    response = client.get(
        reverse("observatory:indicator", args=["tisser-acteurs"]) + "?vue=tableau"
    )
    assert "Somme" in response.content.decode()


def test_class_breaks_are_quantiles():
    assert queries.class_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == [2, 4, 6, 8, 10]
    assert queries.class_breaks([]) == []
    assert queries.color_for(1, [2, 4, 6, 8, 10]) == queries.PALETTE[0]
    assert queries.color_for(10, [2, 4, 6, 8, 10]) == queries.PALETTE[-1]


def test_charts_and_embed_follow_the_filters(client, waste):
    url = reverse("observatory:indicator", args=[waste.slug])
    body = client.get(url + "?niveau=commune&departement=80").content.decode()
    assert "departement=80" in body.split('id="embed-code"')[1].split("</textarea>")[0]
    embed = client.get(
        reverse("observatory:embed", args=[waste.slug])
        + "?niveau=commune&departement=80&graphique=comparaison"
    ).content.decode()
    assert "Albert" in embed and "Lille" not in embed
