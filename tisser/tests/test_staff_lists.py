"""The staff lists over HTTP: who may open them, totals, sorting, and the bulk actions
(validate, check in, export the ticked rows, their addresses) — nothing done twice,
nothing done to rows of another event, no error page on a forged form."""

import csv
import io

import pytest
from django.urls import reverse

from . import staff_data

pytestmark = pytest.mark.django_db

LISTS = [
    ("directory:staff_list", []),
    ("directory:staff_people", []),
    ("memberships:staff_memberships", []),
    ("memberships:staff_payments", []),
    ("publications:staff_subscribers", []),
    ("publications:staff_deliveries", []),
]
POSTS = [
    ("directory:staff_emails", []),
    ("directory:staff_people_emails", []),
    ("memberships:staff_bulk_validate", []),
    ("memberships:staff_emails", []),
]


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
def test_lists_and_bulk_actions_are_for_staff_only(client, role_users, role, expected):
    if role_users[role]:
        client.force_login(role_users[role])
    for name, args in LISTS:
        assert client.get(reverse(name, args=args)).status_code == expected, name
    for name, args in POSTS:
        status = client.post(reverse(name, args=args)).status_code
        assert status == (expected if expected != 200 else status), name
        if expected == 200:
            assert status in (200, 302), name
    for name in ("memberships:staff_payments_export", "publications:staff_subscribers_export"):
        assert client.get(reverse(name, args=["csv"])).status_code == expected


def test_totals_pages_and_sorting(client, role_users):
    staff_data.build(people=60)
    client.force_login(role_users["editor"])
    url = reverse("publications:staff_subscribers")
    page = client.get(url).content.decode()
    assert "60 abonnements" in page
    assert "Page 1 sur 2 (lignes 1 à 50)" in page
    by_email = client.get(url, {"sort": "email"}).context["listing"]
    emails = [s.person.email for s in by_email.rows]
    assert emails == sorted(emails) and emails[0] == "personne00@example.org"
    backwards = client.get(url, {"sort": "-email", "page": "2"}).context["listing"]
    assert [s.person.email for s in backwards.rows][-1] == "personne00@example.org"
    # The sort link of the current column turns it the other way, filters kept.
    from tisser.publications.models import MailingList

    pk = MailingList.objects.get().pk
    html = client.get(url, {"list": pk, "sort": "email"}).content.decode()
    assert f'href="?list={pk}&amp;sort=-email"' in html
    for forged in ({"page": "1e309"}, {"per_page": "-5"}, {"list": "x"}, {"sort": "nope"}):
        assert client.get(url, forged).status_code == 200
    # A NUL byte is refused before the list is read, with a page that says why.
    assert client.get(url, {"sort": "\x00"}).status_code == 400


def test_bulk_validate_validates_the_ticked_pending_memberships_once(
    client, role_users, mailoutbox
):
    data = staff_data.build()
    pending = data["memberships"][:3]
    client.force_login(role_users["editor"])
    url = reverse("memberships:staff_bulk_validate")
    ids = [pending[0].pk, pending[1].pk, data["memberships"][3].pk, "x", "-1"]
    response = client.post(url, {"id": ids, "next_query": "status=pending"})
    assert response.status_code == 302
    assert response["Location"] == reverse("memberships:staff_memberships") + "?status=pending"
    for m in pending:
        m.refresh_from_db()
    assert [m.status for m in pending] == ["validated", "validated", "pending"]
    sent = len(mailoutbox)
    client.post(url, {"id": ids})  # the second click: nothing more to validate
    assert len(mailoutbox) == sent
    messages = [
        str(m) for m in client.get(reverse("memberships:staff_memberships")).context["messages"]
    ]
    assert any(
        "0\u00a0adhésion est validée" in m or "0 adhésion est validée" in m for m in messages
    )


def test_bulk_check_in_only_touches_this_events_confirmed_places(client, role_users):
    from tisser.events.models import Attendance, Registration

    data = staff_data.build()
    fresque = data["fresque"]
    client.force_login(role_users["editor"])
    rows = list(Registration.objects.filter(event=fresque).order_by("pk"))
    waitlisted = [r for r in rows if r.status == "waitlisted"]
    url = reverse("events:staff_bulk_checkin", args=[fresque.pk])
    client.post(url, {"id": [r.pk for r in rows[:2]] + [waitlisted[0].pk]})
    assert Attendance.objects.filter(attended=True).count() == 2
    client.post(url, {"id": [r.pk for r in rows[:2]]})  # again: still two
    assert Attendance.objects.filter(attended=True).count() == 2
    response = client.post(url, {})
    assert response.status_code == 302
    assert Attendance.objects.filter(attended=True).count() == 2


def test_export_of_the_ticked_rows_or_of_the_whole_filtered_list(client, role_users):
    data = staff_data.build()
    client.force_login(role_users["editor"])
    url = reverse("publications:staff_subscribers_export", args=["csv"])
    everybody = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get(url).streaming_content).decode("utf-8-sig"), newline=""
            ),
            delimiter=";",
        )
    )
    assert len(everybody) == 1 + 12
    two = [s.pk for s in data["people"][0].subscriptions.all()] + [
        s.pk for s in data["people"][1].subscriptions.all()
    ]
    ticked = client.post(url, {"id": two})
    rows = list(
        csv.reader(
            io.StringIO(b"".join(ticked.streaming_content).decode("utf-8-sig"), newline=""),
            delimiter=";",
        )
    )
    assert sorted(r[0] for r in rows[1:]) == ["personne00@example.org", "personne01@example.org"]
    assert (
        client.get(reverse("publications:staff_subscribers_export", args=["pdf"])).status_code
        == 404
    )


def test_email_action_lists_the_addresses_to_write_to(client, role_users):
    data = staff_data.build()
    client.force_login(role_users["editor"])
    fresque = data["fresque"]
    response = client.post(
        reverse("events:staff_bulk_emails", args=[fresque.pk]) + "?status=waitlisted"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "2\u00a0adresses." in html or "2 adresses." in html
    assert "personne05@example.org, personne06@example.org" in html
    assert 'href="mailto:?bcc=personne05@example.org,personne06@example.org"' in html
    assert "personne00@example.org" not in html
