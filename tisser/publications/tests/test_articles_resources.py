"""Articles (rubrics, sanitised text, alt text, scheduled publishing, RSS/Atom) and the
resources library (categories, search, member-only files)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tisser.publications import services
from tisser.publications.models import Article, Resource, ResourceCategory, Rubric


@pytest.fixture
def rubric(db):
    return Rubric.objects.create(name="Vie de réseau", slug="vie-de-reseau")


def article(rubric, **data):
    return services.save_article(
        {"title": "Ramène ta gamelle à Tourcoing", "rubric": rubric, **data}
    )


def test_article_text_is_sanitised(rubric):
    item = article(
        rubric, body='<p onclick="x()">Bonjour<script>alert(1)</script></p>', status="published"
    )
    assert item.body == "<p>Bonjour</p>"


def test_an_image_needs_its_alt_text(rubric):
    with pytest.raises(ValidationError) as error:
        article(rubric, image="articles/2026/photo.jpg", image_alt="")
    assert "image_alt" in error.value.message_dict


def test_scheduled_article_is_hidden_until_the_periodic_task_publishes_it(client, rubric):
    later = timezone.now() + dt.timedelta(hours=2)
    item = article(rubric, status="published", published_at=later)
    assert item.status == Article.Status.SCHEDULED  # a future date schedules it
    assert client.get(item.get_absolute_url()).status_code == 404
    assert item.title not in client.get(reverse("publications:articles")).content.decode()
    assert services.publish_due_articles(now=later + dt.timedelta(minutes=1)) == 1
    Article.objects.filter(pk=item.pk).update(published_at=timezone.now())
    assert client.get(item.get_absolute_url()).status_code == 200


def test_the_periodic_task_is_declared_with_the_scheduler():
    """As `celery worker --beat` starts: a fresh process, modules imported, app finalized."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django; django.setup()\n"
        "from tisser.celery import app\n"
        "app.loader.import_default_modules(); app.finalize()\n"
        "print(sorted(v['task'] for v in app.conf.beat_schedule.values()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[3],
        env={"DJANGO_SETTINGS_MODULE": "tisser.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "tisser.publications.publish_scheduled" in out
    assert "tisser.publications.resume_campaigns" in out


def test_articles_page_filters_by_rubric_and_feeds_list_them(client, rubric):
    other = Rubric.objects.create(name="Veille", slug="veille")
    article(rubric, status="published", summary="Un moment convivial")
    services.save_article({"title": "Municipales 2026", "rubric": other, "status": "published"})
    page = client.get(reverse("publications:articles"), {"rubrique": "veille"}).content.decode()
    assert "Municipales 2026" in page and "Ramène ta gamelle" not in page
    rss = client.get(reverse("publications:articles_rss"))
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert "Ramène ta gamelle à Tourcoing" in rss.content.decode()
    atom = client.get(reverse("publications:articles_atom"))
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "Municipales 2026" in atom.content.decode()


def test_draft_is_404_for_the_public_and_visible_to_staff(client, role_users, rubric):
    item = article(rubric)
    assert client.get(item.get_absolute_url()).status_code == 404
    client.force_login(role_users["editor"])
    assert client.get(item.get_absolute_url()).status_code == 200


@pytest.fixture
def resources(db):
    guides = ResourceCategory.objects.create(name="Guides", slug="guides")
    reports = ResourceCategory.objects.create(name="Rapports d'activité", slug="rapports")
    guide = services.save_resource(
        {"title": "Expérimenter les plateformes de l'économie solidaire", "category": guides,
         "url": "https://www.apes-hdf.org/guide", "description": "<p>Guide méthodologique</p>"}
    )  # fmt: skip
    report = services.save_resource(
        {"title": "Rapport d'activité 2025", "category": reports, "kind": "report",
         "url": "https://www.apes-hdf.org/rapport", "members_only": True}
    )  # fmt: skip
    return guide, report


def test_resources_search_and_categories(client, resources):
    page = client.get(reverse("publications:resources"), {"q": "plateformes"}).content.decode()
    assert "Expérimenter les plateformes" in page and "Rapport d" not in page
    page = client.get(reverse("publications:resources"), {"categorie": "rapports"}).content.decode()
    assert "Rapport d&#x27;activité 2025" in page and "Expérimenter" not in page


def test_member_only_resource_opens_for_members_only(client, role_users, resources):
    _guide, report = resources
    url = reverse("publications:resource", kwargs={"slug": report.slug})
    assert client.get(url, {"ouvrir": 1}).status_code == 200  # the page, not the file
    assert "réservée aux adhérents" in client.get(url).content.decode()
    client.force_login(role_users["public"])
    assert client.get(url, {"ouvrir": 1}).status_code == 200
    # Claiming to represent a member organisation opens nothing until it is confirmed.
    client.force_login(role_users["claimant"])
    assert client.get(url, {"ouvrir": 1}).status_code == 200
    client.force_login(role_users["member"])
    response = client.get(url, {"ouvrir": 1})
    assert response.status_code == 302 and response["Location"] == report.url
    assert Resource.objects.count() == 2


def test_staff_write_a_scheduled_article_through_the_pages(client, role_users, rubric):
    client.force_login(role_users["editor"])
    when = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("publications:article_create"),
        {"title": "Portrait : Coop Manau", "rubric": rubric.pk, "body": "<p>Bonjour</p><script>x</script>",
         "status": "published", "published_at": when, "image_alt": ""},
    )  # fmt: skip
    assert response.status_code == 302
    item = Article.objects.get(title="Portrait : Coop Manau")
    assert item.status == Article.Status.SCHEDULED and item.body == "<p>Bonjour</p>"
    response = client.post(
        reverse("publications:article_create"), {"title": "", "rubric": rubric.pk, "body": "gardé"}
    )
    assert response.status_code == 200 and "gardé" in response.content.decode()
