"""Who may open what: the public agenda for everyone, the staff list and the check-in
page for staff only; registrants' contact details never on a public page."""

import pytest
from django.urls import reverse

from tisser.events.models import Attendance
from tisser.events.registration import services, tokens
from tisser.events.registration.rules import Choices, Registrant

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "public", "claimant", "representative", "member", "editor", "admin")
STAFF_ONLY = {
    "anonymous": "login",
    "public": 403,
    "claimant": 403,
    "representative": 403,
    "member": 403,
    "editor": 200,
    "admin": 200,
}
EVERYONE = dict.fromkeys(ROLES, 200)


@pytest.fixture
def registration(fresque):
    return services.register(
        fresque,
        Registrant(email="secret.person@example.org", first_name="Discrète", phone="0601020304"),
        choices=Choices(session=fresque.sessions_list[0]),
    )


def _urls(rencontre, fresque, registration):
    return [
        (reverse("events:agenda"), EVERYONE),
        (rencontre.get_absolute_url(), EVERYONE),
        (rencontre.registration_url, EVERYONE),
        (reverse("events:feed"), EVERYONE),
        (reverse("events:embed"), EVERYONE),
        (reverse("api:events"), EVERYONE),
        (reverse("events:manage", args=[tokens.manage_token(registration)]), EVERYONE),
        (reverse("events:staff_events"), STAFF_ONLY),
        (reverse("events:staff_event_new"), STAFF_ONLY),
        (reverse("events:staff_event_edit", args=[fresque.pk]), STAFF_ONLY),
        (reverse("events:staff_kinds"), STAFF_ONLY),
        (reverse("events:checkin", args=[tokens.checkin_token(registration)]), STAFF_ONLY),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_matrix(client, role_users, role, rencontre, fresque, registration):
    user = role_users[role]
    if user is not None:
        client.force_login(user)
    for url, expected in _urls(rencontre, fresque, registration):
        response = client.get(url)
        want = expected[role]
        if want == "login":
            assert response.status_code == 302 and "/compte/" in response["Location"], url
        else:
            assert response.status_code == want, (url, role, response.status_code)
        public = expected is EVERYONE and "inscription/" not in url
        if public:
            body = response.content.decode()
            assert "secret.person@example.org" not in body and "0601020304" not in body


def test_staff_list_shows_fill_rates_and_minimum(client, role_users, fresque, registration):
    fresque.min_participants = 3
    fresque.save()
    client.force_login(role_users["editor"])
    page = client.get(reverse("events:staff_events")).content.decode()
    assert "Fresque" in page and "1 / 4" in page and "25 %" in page
    assert "minimum de 3 non atteint" in page


def test_checkin_marks_presence(client, role_users, registration):
    url = reverse("events:checkin", args=[tokens.checkin_token(registration)])
    client.force_login(role_users["member"])
    assert client.post(url).status_code == 403
    assert not Attendance.objects.exists()
    client.force_login(role_users["editor"])
    client.post(url)
    attendance = Attendance.objects.get()
    assert attendance.attended and attendance.session == registration.session
    assert "Présent" in client.get(url).content.decode()
    forged = reverse("events:checkin", args=[tokens.manage_token(registration)])
    assert client.get(forged).status_code == 400
