"""The permission matrix of the staff side and the shared agenda, six roles: only staff
see participants, export, print and check in; a representative proposes events, only for
their own organisation; anyone answers a call for proposals."""

import pytest
from django.urls import reverse

from tisser.events.models import Event, EventProposal
from tisser.events.models_proposals import CallForProposals
from tisser.events.proposals.services import propose_event
from tisser.events.registration import tokens

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
REPRESENTATIVE = {
    "anonymous": "login",
    "public": 403,
    "claimant": 403,
    "representative": 200,
    "member": 403,
    "editor": 403,
    "admin": 403,
}
EVERYONE = dict.fromkeys(ROLES, 200)


@pytest.fixture
def call(rencontre):
    return CallForProposals.objects.create(
        title="Rencontre 2027 : vos propositions", slug="rencontre-2027", event=rencontre
    )


def _urls(event, registration, call):
    pk = event.pk
    return [
        (reverse("events:staff_participants", args=[pk]), STAFF_ONLY),
        (reverse("events:staff_export", args=[pk, "csv"]), STAFF_ONLY),
        (reverse("events:staff_export", args=[pk, "xlsx"]), STAFF_ONLY),
        (reverse("events:staff_badges", args=[pk]), STAFF_ONLY),
        (reverse("events:staff_sheet", args=[pk]), STAFF_ONLY),
        (reverse("events:staff_duplicate", args=[pk]), STAFF_ONLY),
        (reverse("events:staff_checkin_desk", args=[pk]), STAFF_ONLY),
        (reverse("events:staff_statistics"), STAFF_ONLY),
        (reverse("events:staff_proposals"), STAFF_ONLY),
        (reverse("events:staff_calls"), STAFF_ONLY),
        (reverse("events:staff_call", args=[call.pk]), STAFF_ONLY),
        (reverse("events:staff_call_export", args=[call.pk, "xlsx"]), STAFF_ONLY),
        (reverse("events:checkin", args=[tokens.checkin_token(registration)]), STAFF_ONLY),
        (reverse("events:propose_event"), REPRESENTATIVE),
        (reverse("events:call", args=[call.slug]), EVERYONE),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_matrix(client, role_users, role, course, register, call):
    registration = register(course, "secret@example.org", "Sec", "Ret")
    user = role_users[role]
    if user is not None:
        client.force_login(user)
    for url, expected in _urls(course, registration, call):
        response = client.get(url)
        want = expected[role]
        if want == "login":
            assert response.status_code == 302 and "/compte/" in response["Location"], url
        else:
            assert response.status_code == want, (url, role, response.status_code)
        if expected is not STAFF_ONLY:
            assert b"secret@example.org" not in response.content


POSTS = ["cancel", "promote", "payment"]


@pytest.mark.parametrize("role", ["anonymous", "public", "claimant", "representative", "member"])
def test_non_staff_cannot_act_on_registrations(client, role_users, role, course, register):
    registration = register(course, "p@example.org", "P", "Q")
    if role_users[role] is not None:
        client.force_login(role_users[role])
    for action in POSTS:
        url = reverse("events:staff_registration_action", args=[course.pk, registration.pk])
        response = client.post(url, {"action": action, "payment_status": "paid"})
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/compte/" in response["Location"]
    mark = reverse("events:staff_checkin_mark", args=[course.pk, registration.pk])
    client.post(mark, {"session": course.sessions_list[0].pk})
    registration.refresh_from_db()
    assert registration.status == "confirmed" and registration.payment_status == "not_due"
    assert not registration.attendances.exists()


def test_representative_proposes_only_for_their_own_organisation(client, role_users, kinds):
    client.force_login(role_users["representative"])
    own, other = role_users["own_organisation"], role_users["other_organisation"]
    data = {
        "title": "Portes ouvertes",
        "kind": kinds["matinale"].pk,
        "starts_at": "2027-03-10T09:00",
        "ends_at": "2027-03-10T12:00",
    }
    response = client.post(reverse("events:propose_event"), {**data, "organisation": other.pk})
    assert response.status_code == 200 and not EventProposal.objects.exists()
    assert "organisation" in response.context["form"].errors
    with pytest.raises(Exception, match="représentez|represent"):
        propose_event(
            user=role_users["representative"],
            organisation=other,
            data={"title": "X", "kind": kinds["matinale"]},
            starts_at=None,
            ends_at=None,
            ip_hash="x",
        )
    response = client.post(reverse("events:propose_event"), {**data, "organisation": own.pk})
    assert response.status_code == 302
    proposal = EventProposal.objects.get()
    assert proposal.organisation == own and proposal.event.status == Event.Status.PROPOSED
    assert list(proposal.event.organisers.all()) == [own]
