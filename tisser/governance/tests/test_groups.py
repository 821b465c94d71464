"""Working groups: the public sees the organisations, members see the people; members of
member organisations join and leave; staff and the referent write and add documents; the
events extension point lets another app list a group's events without an import."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tisser.governance import extensions
from tisser.governance.models_groups import GroupDocument, GroupMember, WorkingGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(role_users):
    g = WorkingGroup.objects.create(
        name="Vie de réseau",
        slug="vie-de-reseau",
        kind="network_life",
        description="Ramène ta gamelle",
    )
    return g


def test_a_member_joins_and_leaves(client, role_users, group):
    client.force_login(role_users["member"])
    response = client.post(reverse("governance:group_join", args=[group.slug]), follow=True)
    assert "Bienvenue dans le groupe Vie de réseau" in response.content.decode()
    member = GroupMember.objects.get(group=group)
    assert member.organisation == role_users["own_organisation"]
    client.post(reverse("governance:group_join", args=[group.slug]))  # twice: still one
    assert GroupMember.objects.filter(group=group).count() == 1
    client.post(reverse("governance:group_join", args=[group.slug]), {"leave": "1"})
    assert not GroupMember.objects.exists()


@pytest.mark.parametrize("role", ["public", "claimant"])
def test_a_public_user_or_a_claimant_cannot_join(client, role_users, group, role):
    client.force_login(role_users[role])
    response = client.post(reverse("governance:group_join", args=[group.slug]), follow=True)
    assert "ouverts aux personnes des structures adhérentes" in response.content.decode()
    assert not GroupMember.objects.exists()


def test_the_public_sees_organisations_members_see_people(client, role_users, group):
    client.force_login(role_users["member"])
    client.post(reverse("governance:group_join", args=[group.slug]))
    client.logout()
    url = reverse("governance:group", args=[group.slug])
    public = client.get(url).content.decode()
    assert "Coop Manau" in public and "Marc Membre" not in public
    client.force_login(role_users["member"])
    assert "Marc Membre" in client.get(url).content.decode()


def test_referent_writes_and_adds_a_document_others_may_not(client, role_users, group):
    url = reverse("governance:group_write", args=[group.slug])
    client.force_login(role_users["member"])
    assert client.get(url).status_code == 403
    group.referent = role_users["member"].person
    group.save()
    assert client.get(url).status_code == 200
    empty = client.post(url, {"subject": "", "body": "Le 3 juillet"})
    assert empty.status_code == 400 and "Le 3 juillet" in empty.content.decode()
    bad = client.post(
        url, {"action": "document", "title": "Script", "file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert bad.status_code == 400 and "n’est pas accepté" in bad.content.decode()
    ok = client.post(
        url,
        {
            "action": "document",
            "title": "Compte rendu",
            "file": SimpleUploadedFile("cr.pdf", b"%PDF-1.4 test"),
        },
    )
    assert ok.status_code == 302
    assert GroupDocument.objects.get().title == "Compte rendu"


def test_events_come_from_registered_providers_only(client, role_users, group):
    start = timezone.now() + datetime.timedelta(days=3)

    def provider(g):
        return [
            {
                "title": f"Ramène ta gamelle ({g.name})",
                "url": "/agenda/gamelle/",
                "starts_at": start,
            }
        ]

    def broken(g):
        raise RuntimeError("an app's bug")

    url = reverse("governance:group", args=[group.slug])
    assert "Aucun événement à venir" in client.get(url).content.decode()
    extensions.register_group_events_provider(provider)
    extensions.register_group_events_provider(broken)
    try:
        html = client.get(url).content.decode()
        assert "Ramène ta gamelle (Vie de réseau)" in html
    finally:
        extensions.unregister_group_events_provider(provider)
        extensions.unregister_group_events_provider(broken)
