"""Staff pages of the assemblies: create, prepare (agenda, votes, candidacies), open and
close; a show of hands; the audit lists who voted and never how."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tisser.governance import services
from tisser.governance.models import Assembly, Ballot, Motion, Participation, Proxy, Voter

from .conftest import make_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("equipe@example.org", staff_role="editor"))
    return client


def test_create_an_assembly_with_bad_input_kept(staff_client):
    url = reverse("governance:staff_assemblies")
    bad = staff_client.post(
        url,
        {
            "title": "AG 2027",
            "kind": "ordinary",
            "starts_at": "demain",
            "quorum_percent": "25",
            "max_proxies": "2",
        },
    )
    assert bad.status_code == 400
    assert 'value="AG 2027"' in bad.content.decode()
    ok = staff_client.post(
        url,
        {
            "title": "AG 2027",
            "kind": "ordinary",
            "starts_at": "2027-06-10T09:45",
            "quorum_percent": "25",
            "max_proxies": "2",
            "place": "Lille",
        },
    )
    assembly = Assembly.objects.get()
    assert ok.status_code == 302 and assembly.place == "Lille"


def test_prepare_open_show_of_hands_close_and_audit(staff_client, mailoutbox):
    orgs = make_members(3)
    assembly = services.create_assembly(
        title="AG", starts_at=timezone.now() + datetime.timedelta(hours=1)
    )
    url = reverse("governance:staff_assembly", args=[assembly.pk])
    staff_client.post(url, {"action": "agenda", "title": "Rapport moral"})
    staff_client.post(url, {"action": "register"})
    staff_client.post(url, {"action": "convene"})
    assert Voter.objects.filter(assembly=assembly).count() == 3
    staff_client.post(
        url,
        {
            "action": "motion",
            "kind": "resolution",
            "title": "Comptes",
            "majority": "simple",
            "seats": "24",
            "tie_rule": "lot",
        },
    )
    motion = Motion.objects.get()
    assert motion.online is False  # unticked box: a show of hands
    staff_client.post(url, {"action": "open", "motion": motion.pk})
    for org in orgs[:2]:
        services.sign_in(Voter.objects.get(assembly=assembly, organisation=org))
    room = reverse("governance:staff_room_vote", args=[assembly.pk, motion.pk])
    page = staff_client.get(room).content.decode()
    assert "Structure 000" in page and "Structure 002" not in page
    v = {o.pk: Voter.objects.get(assembly=assembly, organisation=o).pk for o in orgs}
    staff_client.post(room, {f"v{v[orgs[0].pk]}": "for", f"v{v[orgs[1].pk]}": "against"})
    assert Participation.objects.filter(motion=motion, channel="room").count() == 2
    staff_client.post(reverse("governance:staff_close_motion", args=[assembly.pk, motion.pk]))
    motion.refresh_from_db()
    assert motion.status == "closed" and motion.results["tally"]["for"] == 1
    audit = staff_client.get(
        reverse("governance:staff_audit", args=[assembly.pk, motion.pk])
    ).content.decode()
    assert "Structure 000" in audit and "En salle" in audit
    assert "Pour" not in audit.split("<main")[1].split("</table>")[0].split("<tbody>")[1]
    assert Ballot.objects.filter(motion=motion).count() == 2
    detail = staff_client.get(url).content.decode()
    assert "Rapport moral" in detail


def test_an_election_with_candidacies_from_the_register(staff_client):
    orgs = make_members(2)
    assembly = services.create_assembly(title="AG", starts_at=timezone.now())
    services.draw_up_register(assembly)
    services.convene(assembly, notify=False)
    url = reverse("governance:staff_assembly", args=[assembly.pk])
    staff_client.post(
        url,
        {
            "action": "motion",
            "kind": "election",
            "title": "Collectif",
            "majority": "simple",
            "seats": "24",
            "tie_rule": "seniority",
            "online": "on",
        },
    )
    election = Motion.objects.get()
    staff_client.post(
        url,
        {
            "action": "candidacy",
            "motion": election.pk,
            "organisation": orgs[0].pk,
            "statement": "Pour tisser",
        },
    )
    again = staff_client.post(
        url, {"action": "candidacy", "motion": election.pk, "organisation": orgs[0].pk}, follow=True
    )
    assert "Structure 000 est déjà candidate" in again.content.decode()
    assert election.candidacies.count() == 1


def test_staff_record_a_paper_proxy_within_the_maximum(staff_client):
    orgs = make_members(4)
    assembly = services.create_assembly(title="AG", starts_at=timezone.now(), max_proxies=1)
    services.draw_up_register(assembly)
    v = {o.pk: Voter.objects.get(assembly=assembly, organisation=o).pk for o in orgs}
    url = reverse("governance:staff_attendance", args=[assembly.pk])
    ok = staff_client.post(
        url, {"action": "proxy", "giver": v[orgs[1].pk], "holder": v[orgs[0].pk]}, follow=True
    )
    assert "Structure 000 exprimera la voix de Structure 001" in ok.content.decode()
    full = staff_client.post(
        url, {"action": "proxy", "giver": v[orgs[2].pk], "holder": v[orgs[0].pk]}, follow=True
    )
    assert "le maximum prévu par les statuts" in full.content.decode()
    staff_client.post(url, {"action": "proxy", "giver": v[orgs[1].pk], "withdraw": "1"})
    assert not Proxy.objects.filter(assembly=assembly).exists()
