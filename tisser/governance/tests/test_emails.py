"""Convocations, voting links and group messages reach a real SMTP server through the
task queue, once the transaction has committed, in each recipient's language."""

import datetime
import re

import pytest
from django.utils import timezone

from tisser.directory.models import Affiliation, Organisation, Person
from tisser.governance import services, services_ballot, services_groups
from tisser.governance.models import Motion
from tisser.governance.models_groups import WorkingGroup

from .conftest import make_members

pytestmark = pytest.mark.django_db


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_convocation_then_voting_links_by_smtp(
    smtp_server, django_capture_on_commit_callbacks, make_user
):
    orgs = make_members(3)
    english = make_user("rep.en@example.org", language="en")
    person = Person.objects.create(first_name="Ann", email=english.email, user=english)
    Affiliation.objects.create(person=person, organisation=orgs[2], is_representative=True)
    assembly = services.create_assembly(
        title="AG 2026",
        starts_at=timezone.now() + datetime.timedelta(days=10),
        place="Bazaar St So, Lille",
        agenda=["Rapport moral", "Élection du Collectif"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.convene(assembly)
    assert sent == 4 and len(smtp_server.messages) == 4
    french = next(m for m in smtp_server.messages if m["To"] == "rep000.structure-000@example.org")
    assert french["Subject"] == "Convocation\u00a0: AG 2026"  # French typography kept
    assert "Bazaar St So, Lille" in body(french) and "2. Élection du Collectif" in body(french)
    assert "au plus 2 pouvoirs" in body(french)
    english_mail = next(m for m in smtp_server.messages if m["To"] == "rep.en@example.org")
    assert english_mail["Subject"] == "Convocation: AG 2026"
    assert "is convened" in body(english_mail)

    voters = {v.organisation_id: v for v in assembly.voters.all()}
    services.give_proxy(voters[orgs[1].pk], voters[orgs[0].pk])
    motion = services_ballot.add_motion(
        assembly, kind=Motion.Kind.RESOLUTION, title="Approbation des comptes"
    )
    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services_ballot.open_motion(motion)
    to_holder = [m for m in smtp_server.messages if m["To"] == "rep000.structure-000@example.org"]
    assert len(to_holder) == 1
    links = re.findall(r"https?://\S+/vote/\S+/", body(to_holder[0]))
    assert len(links) == 2  # its own vote and the proxy it holds
    assert "Structure 001 (pouvoir que vous détenez)" in body(to_holder[0])
    assert not [m for m in smtp_server.messages if m["To"] == "rep001.structure-001@example.org"]
    # The links work: the holder casts both votes.
    for link in links:
        token = link.rstrip("/").rsplit("/", 1)[1]
        services_ballot.cast_online(token, choice="for")
    assert motion.participations.count() == 2


def test_nothing_is_sent_when_the_convocation_rolls_back(
    smtp_server, django_capture_on_commit_callbacks
):
    from django.db import transaction

    make_members(2)
    assembly = services.create_assembly(title="AG", starts_at=timezone.now())
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.convene(assembly)
        raise RuntimeError
    assert smtp_server.messages == []


def test_referent_writes_to_the_group(smtp_server, django_capture_on_commit_callbacks, make_user):
    orgs = make_members(2)
    group = WorkingGroup.objects.create(name="Vie de réseau", slug="vie-de-reseau")
    for org in orgs:
        person = org.people.first()
        user = make_user(person.email)
        person.user = user
        person.save()
        Organisation.objects.filter(pk=org.pk).update(is_member=True)
        services_groups.join_group(group, user)
    referent = orgs[0].people.first()
    group.referent = referent
    group.save()
    assert services_groups.can_manage(referent.user, group)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services_groups.write_to_members(
            group,
            subject="Ramène ta gamelle",
            body="Le 3 juillet à Tourcoing !",
            author=referent.user,
        )
    assert sent == 2
    assert {m["Subject"] for m in smtp_server.messages} == {"[Vie de réseau] Ramène ta gamelle"}
    assert "Le 3 juillet à Tourcoing !" in body(smtp_server.messages[0])
    assert smtp_server.messages[0]["Reply-To"] == referent.email


def test_new_links_replace_the_old_ones(smtp_server, django_capture_on_commit_callbacks):
    from tisser.governance.models import Voter
    from tisser.governance.tokens import make_vote_token

    orgs = make_members(2)
    assembly = services.create_assembly(title="AG", starts_at=timezone.now())
    services.draw_up_register(assembly)
    services.convene(assembly, notify=False)
    motion = services_ballot.add_motion(assembly, kind=Motion.Kind.RESOLUTION, title="Comptes")
    services_ballot.open_motion(motion, notify=False)
    voter = Voter.objects.get(assembly=assembly, organisation=orgs[0])
    old = make_vote_token(motion, voter, voter)
    with django_capture_on_commit_callbacks(execute=True):
        assert services_ballot.reissue_links(voter) == 1
    with pytest.raises(services_ballot.VoteRefused) as refused:
        services_ballot.cast_online(old, choice="for")
    assert refused.value.code == "replaced"
    link = re.search(r"/vote/(\S+)/", body(smtp_server.messages[0])).group(1)
    services_ballot.cast_online(link, choice="for")
    assert motion.participations.count() == 1
