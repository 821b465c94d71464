"""Closing a vote, and closing the assembly, say what will happen and ask first;
confirming twice (a second click, the back button) counts once."""

import pytest
from django.urls import reverse

from tisser.governance.models import Assembly, Motion

from .test_ballot import cast_online, resolution, token

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("equipe@example.org", staff_role="editor"))
    return client


def test_close_a_vote_asks_then_counts_once(staff_client, assembly, members):
    motion = resolution(assembly)
    cast_online(token(motion, members[0]), choice="for")
    url = reverse("governance:staff_close_motion", args=[assembly.pk, motion.pk])
    page = staff_client.get(url).content.decode()
    assert "plus aucun vote n’est accepté" in page
    assert 'close-voted">1<' in page
    motion.refresh_from_db()
    assert motion.status == Motion.Status.OPEN  # asked only
    staff_client.post(url)
    motion.refresh_from_db()
    counted_at = motion.results["counted_at"]
    assert motion.status == Motion.Status.CLOSED
    again = staff_client.post(url, follow=True).content.decode()
    assert "Ce vote était déjà clos" in again
    motion.refresh_from_db()
    assert motion.results["counted_at"] == counted_at  # not counted again
    # The assembly page links to the confirmation, it no longer closes in one click.
    detail = staff_client.get(reverse("governance:staff_assembly", args=[assembly.pk]))
    assert 'value="close"' not in detail.content.decode()


def test_close_the_assembly_lists_the_open_votes_first(staff_client, assembly):
    motion = resolution(assembly)
    url = reverse("governance:staff_close", args=[assembly.pk])
    page = staff_client.get(url).content.decode()
    assert motion.title in page
    assert Assembly.objects.get(pk=assembly.pk).status != Assembly.Status.CLOSED
    staff_client.post(url)
    assert Assembly.objects.get(pk=assembly.pk).status == Assembly.Status.CLOSED
    assert Motion.objects.get(pk=motion.pk).status == Motion.Status.CLOSED
    assert "déjà close" in staff_client.post(url, follow=True).content.decode()


def test_a_member_cannot_close(client, role_users, assembly):
    motion = resolution(assembly)
    client.force_login(role_users["member"])
    url = reverse("governance:staff_close_motion", args=[assembly.pk, motion.pk])
    assert client.post(url).status_code == 403
    motion.refresh_from_db()
    assert motion.status == Motion.Status.OPEN
