"""The staff home (/gestion/) says, section by section, what needs doing, with counts
that match the data; only staff see it; the navigation groups the staff pages."""

import re

import pytest
from django.urls import reverse

from tisser.core import staff

from . import staff_data

pytestmark = pytest.mark.django_db


def counts(html: str) -> dict[str, int]:
    found = re.findall(
        r'data-home-item="([\w-]+)">\s*<a [^>]*>\s*<span class="stat-count" data-count>([^<]+)<',
        html,
    )
    return {key: int(value.replace("\u202f", "").replace("\xa0", "")) for key, value in found}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("public", 403),
        ("member", 403),
        ("representative", 403),
        ("editor", 200),
        ("admin", 200),
    ],
)
def test_only_staff_see_the_home_and_the_components(client, role_users, role, expected):
    if role_users[role]:
        client.force_login(role_users[role])
    for name in ("staff:home", "staff:components"):
        response = client.get(reverse(name))
        assert response.status_code == expected, name
        if expected == 302:
            assert response["Location"].startswith(reverse("accounts:login"))


def test_the_home_counts_what_waits_in_each_section(client, role_users):
    data = staff_data.build()
    client.force_login(role_users["editor"])
    html = client.get(reverse("staff:home")).content.decode()
    assert counts(html) == data["expected"]
    # Each line leads to the list behind it, already filtered.
    assert 'href="/gestion/adhesions/?status=pending"' in html
    assert 'href="/gestion/adhesions/?payment=due"' in html
    # The events with their fill rate and waiting list, in words as well as a bar.
    assert "Fresque du handicap" in html and "5\u00a0places sur 10 (50\u00a0%)" in html
    assert "2 en liste d’attente" in html
    assert "Passée" not in html
    # The assembly: its convocation is still to send.
    assert "AG 2026" in html and "convocation à envoyer" in html
    # The campaign being sent, with its progress.
    assert "Juin solidaire" in html and "3 envoyés sur 4" in html
    assert "Brouillon" not in html
    # Plurals through ngettext: one count, one singular.
    assert "1\u00a0assemblée à venir" not in html  # the count is shown apart from its words
    assert ">assemblée à venir<" in html and ">campagne en cours d’envoi ou en attente<" in html


def test_the_lines_follow_the_data(client, role_users):
    data = staff_data.build()
    client.force_login(role_users["editor"])
    for membership in data["memberships"][:3]:
        client.post(reverse("memberships:staff_validate", args=[membership.pk]))
    html = client.get(reverse("staff:home")).content.decode()
    assert counts(html)["memberships-1"] == 0


def test_the_staff_bar_groups_pages_by_domain_and_marks_the_current_one(client, role_users):
    client.force_login(role_users["editor"])
    html = client.get(reverse("memberships:staff_payments")).content.decode()
    bar = html.split('class="staff-bar"', 1)[1].split("</nav>", 1)[0]
    groups = re.findall(r"<summary>.*?</svg>([^<]+)</summary>", bar, re.S)
    assert groups == [
        "Contacts",
        "Agenda",
        "Adhésions",
        "Vie démocratique",
        "Communication",
        "Observatoire",
        "Administration",
    ]
    assert 'class="nav-group current"' in bar
    assert '<a href="/gestion/adhesions/paiements/" aria-current="page">Paiements</a>' in bar
    # The plain memberships link is not marked: the longest matching address wins.
    assert '<a href="/gestion/adhesions/" aria-current' not in bar
    # Editors do not see what only administrators may open.
    assert reverse("accounts:staff_roles") not in bar
    client.force_login(role_users["admin"])
    bar = client.get(reverse("staff:home")).content.decode().split('class="staff-bar"', 1)[1]
    assert reverse("accounts:staff_roles") in bar


def test_people_outside_the_staff_have_no_staff_bar(client, role_users):
    client.force_login(role_users["representative"])
    assert 'class="staff-bar"' not in client.get("/").content.decode()
    client.logout()
    assert 'class="staff-bar"' not in client.get("/").content.decode()


def test_a_later_app_adds_a_line_through_the_registry(client, role_users):
    """A later feature adds its line with one registration and no change to the home."""

    def claims(request):
        return staff.HomeItem(label="demandes de représentation", count=7, url="/x/")

    staff.register_home_item("contacts", "claims-test", claims, order=25)
    try:
        client.force_login(role_users["editor"])
        html = client.get(reverse("staff:home")).content.decode()
    finally:
        staff.unregister_home_item("contacts", "claims-test")
    assert counts(html)["contacts-3"] == 7
    assert "demandes de représentation" in html


def test_the_components_page_shows_every_component(client, role_users):
    client.force_login(role_users["editor"])
    html = client.get(reverse("staff:components")).content.decode()
    for marker in (
        'class="button"',
        'class="button secondary"',
        'class="badge success"',
        'class="alert warning"',
        'class="card"',
        'class="tabs"',
        'class="empty-state"',
        'class="responsive"',
        'type="radio"',
        'type="checkbox"',
        'class="pager"',
        'class="filters"',
        'class="icon"',
    ):
        assert marker in html, marker
