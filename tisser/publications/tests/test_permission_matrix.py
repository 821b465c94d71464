"""Who gets what on every page of publications: six roles × each URL."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tisser.publications import services
from tisser.publications.models import Rubric

ROLES = ("anonymous", "public", "claimant", "representative", "member", "editor", "admin")
LOGIN = "login"
STAFF = {
    "anonymous": LOGIN,
    "public": 403,
    "claimant": 403,
    "representative": 403,
    "member": 403,
    "editor": 200,
    "admin": 200,
}
EVERYONE = dict.fromkeys(ROLES, 200)


@pytest.fixture
def objects(infolettre, simple_newsletter):
    rubric = Rubric.objects.create(name="Veille", slug="veille")
    article = services.save_article(
        {"title": "Municipales 2026", "rubric": rubric, "status": "published"}
    )
    draft = services.save_article({"title": "Brouillon", "rubric": rubric})
    block = simple_newsletter.blocks.first()
    campaign = services.create_campaign(simple_newsletter)
    from tisser.publications.imports import start_import

    job = start_import("export.csv", b"EMAIL\nlea@exemple.fr\n", infolettre)
    return {"article": article, "draft": draft, "newsletter": simple_newsletter, "block": block,
            "campaign": campaign, "import": job}  # fmt: skip


ROWS = [
    ("publications:articles", {}, EVERYONE),
    ("publications:articles_rss", {}, EVERYONE),
    ("publications:article", {"slug": ("article", "slug")}, EVERYONE),
    ("publications:article", {"slug": ("draft", "slug")}, {**dict.fromkeys(ROLES, 404), "editor": 200, "admin": 200}),
    ("publications:resources", {}, EVERYONE),
    ("publications:archive", {}, EVERYONE),
    ("publications:newsletter_web", {"slug": ("newsletter", "slug")}, {**dict.fromkeys(ROLES, 404), "editor": 200, "admin": 200}),
    ("publications:signup", {}, EVERYONE),
    ("publications:preferences_request", {}, EVERYONE),
    ("publications:staff_home", {}, STAFF),
    ("publications:newsletter_create", {}, STAFF),
    ("publications:composer", {"pk": ("newsletter", "pk")}, STAFF),
    ("publications:block_edit", {"pk": ("block", "pk")}, STAFF),
    ("publications:preview", {"pk": ("newsletter", "pk")}, STAFF),
    ("publications:preview_frame", {"pk": ("newsletter", "pk")}, STAFF),
    ("publications:campaign", {"pk": ("campaign", "pk")}, STAFF),
    ("publications:campaign_progress", {"pk": ("campaign", "pk")}, STAFF),
    ("publications:subscriber_import", {}, STAFF),
    ("core:import_detail", {"pk": ("import", "pk")}, STAFF),
    ("core:import_progress", {"pk": ("import", "pk")}, STAFF),
    ("publications:article_create", {}, STAFF),
    ("publications:article_edit", {"pk": ("article", "pk")}, STAFF),
    ("publications:resource_create", {}, STAFF),
    ("publications:suppressions", {}, STAFF),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, role_users, objects, role):
    user = role_users[role]
    if user is not None:
        client.force_login(user)
    for route, kwargs, expected in ROWS:
        resolved = {k: getattr(objects[v[0]], v[1]) for k, v in kwargs.items()}
        response = client.get(reverse(route, kwargs=resolved))
        want = expected[role]
        if want == LOGIN:
            assert response.status_code == 302, route
            assert response["Location"].startswith(reverse("accounts:login")), route
        else:
            assert response.status_code == want, (route, role, response.status_code)


def test_staff_actions_are_refused_to_non_staff(client, role_users, objects):
    client.force_login(role_users["member"])
    newsletter = objects["newsletter"]
    for route, pk in (("publications:campaign_start", newsletter.pk), ("publications:test_send", newsletter.pk),
                      ("publications:block_delete", objects["block"].pk),
                      ("core:import_confirm", objects["import"].pk)):  # fmt: skip
        assert client.post(reverse(route, args=[pk])).status_code == 403
    assert (
        newsletter.blocks.count() == 1 and not newsletter.campaigns.exclude(status="draft").exists()
    )
    objects["import"].refresh_from_db()
    assert objects["import"].status == "checked"  # a member cannot confirm an import


def test_public_pages_never_show_subscribers_addresses(client, objects, infolettre):
    from .conftest import make_subscribers

    people = make_subscribers(infolettre, 3)
    services.publish_newsletter(objects["newsletter"])
    for url in (reverse("publications:archive"), objects["newsletter"].get_absolute_url(),
                reverse("publications:articles"), reverse("publications:signup")):  # fmt: skip
        page = client.get(url).content.decode()
        assert all(p.email not in page for p in people), url


def test_suppression_list_add_and_lift_by_an_administrator_only(client, role_users, db):
    from tisser.publications.models import Suppression

    url = reverse("publications:suppressions")
    client.force_login(role_users["editor"])
    assert (
        client.post(url, {"email": "Banni@Exemple.fr", "detail": "demande orale"}).status_code
        == 302
    )
    row = Suppression.objects.get(email="banni@exemple.fr")
    client.post(url, {"lift": row.pk})
    assert Suppression.objects.filter(pk=row.pk).exists()  # an editor cannot lift it
    client.force_login(role_users["admin"])
    assert "banni@exemple.fr" in client.get(url).content.decode()
    client.post(url, {"lift": row.pk})
    assert not Suppression.objects.filter(pk=row.pk).exists()
