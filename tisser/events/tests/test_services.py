"""The registration rules, as the seeds need them."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tisser.directory.contacts.services import affiliate, find_or_create_person
from tisser.directory.models import Affiliation, Organisation, Person
from tisser.events.models import Event, Registration, Session, Workshop
from tisser.events.registration import changes, notices, rules, services, waiting_list
from tisser.events.registration.rules import Choices, OrganisationInfo, Registrant
from tisser.events.staff import editing

from .conftest import at

pytestmark = pytest.mark.django_db
S = Registration.Status


def person(n):
    return Registrant(email=f"p{n}@example.org", first_name=f"Prénom{n}", last_name="Nom")


def confirm_link(registrant, org):
    """Staff confirm the person's link to the organisation (member prices follow it)."""
    found, _created = find_or_create_person(email=registrant.email)
    return affiliate(found, org)


def workshops(event):
    return list(Workshop.objects.filter(item__event=event).order_by("position"))


def test_places_then_waitlist_then_full(fresque):
    lens = fresque.sessions_list[0]
    statuses = [
        services.register(fresque, person(i), choices=Choices(session=lens)).status
        for i in range(4)
    ]
    assert statuses == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert Session.objects.get(pk=lens.pk).taken == 2
    fresque.waitlist_enabled = False
    fresque.save()
    with pytest.raises(rules.EventFull):
        services.register(fresque, person(9), choices=Choices(session=lens))
    assert not Registration.objects.filter(person__email="p9@example.org").exists()


def test_the_two_fresque_dates_are_registered_for_separately(fresque):
    lens, lille = fresque.sessions_list
    services.register(fresque, person(1), choices=Choices(session=lens))
    services.register(fresque, person(1), choices=Choices(session=lille))
    assert Registration.objects.filter(person__email="p1@example.org").count() == 2
    with pytest.raises(ValidationError):
        services.register(fresque, person(2))  # no date chosen


def test_same_person_twice_gets_a_clear_message_not_a_second_place(rencontre):
    first = [workshops(rencontre)[0]]
    services.register(rencontre, person(1), choices=Choices(workshops=first))
    with pytest.raises(rules.AlreadyRegistered) as error:
        services.register(
            rencontre,
            Registrant(email="P1@Example.org"),
            choices=Choices(workshops=first),
        )
    assert "p1@example.org" in error.value.message
    assert "déjà inscrit" in error.value.message
    assert Registration.objects.count() == 1
    assert rencontre.sessions.get().taken == 1
    assert workshops(rencontre)[0].taken == 1


def test_people_and_organisations_are_found_not_duplicated(rencontre, organisations, communes):
    existing = Person.objects.create(email="claire@example.org", first_name="Claire")
    w = workshops(rencontre)
    registration = services.register(
        rencontre,
        Registrant(email="CLAIRE@example.org", first_name="Claire", last_name="Dupont"),
        organisation=OrganisationInfo(name="les jardins de cocagne", commune=communes["lille"]),
        choices=Choices(workshops=[w[0]]),
    )
    assert registration.person == existing
    assert Person.objects.get(pk=existing.pk).last_name == "Dupont"  # filled, not replaced
    assert registration.organisation == organisations["member"]
    assert existing.affiliations.filter(organisation=organisations["member"]).exists()
    # A new organisation is created once, and not published on the map by a registration.
    for n in (2, 3):
        services.register(
            rencontre,
            person(n),
            organisation=OrganisationInfo(name="Coop Nouvelle", commune=communes["arras"]),
            choices=Choices(workshops=[w[1]]),
        )
    created = Organisation.objects.get(name="Coop Nouvelle")
    assert created.status == Organisation.Status.PROPOSED
    assert Organisation.objects.filter(name="Coop Nouvelle").count() == 1


def test_workshop_is_required_and_one_per_slot(rencontre):
    w = workshops(rencontre)
    with pytest.raises(ValidationError) as error:
        services.register(rencontre, person(1))
    assert "workshops" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.register(rencontre, person(1), choices=Choices(workshops=[w[0], w[1]]))
    assert Registration.objects.count() == 0


def test_a_full_workshop_means_the_waiting_list(rencontre):
    w = workshops(rencontre)
    Workshop.objects.filter(pk=w[0].pk).update(capacity=1)
    first = services.register(rencontre, person(1), choices=Choices(workshops=[w[0]]))
    second = services.register(rencontre, person(2), choices=Choices(workshops=[w[0]]))
    other = services.register(rencontre, person(3), choices=Choices(workshops=[w[1]]))
    assert (first.status, second.status, other.status) == (S.CONFIRMED, S.WAITLISTED, S.CONFIRMED)
    session = rencontre.sessions.get()
    assert session.taken == 2  # the waitlisted person holds no place
    promoted = changes.cancel_registration(first)
    assert promoted == [second]
    assert Registration.objects.get(pk=second.pk).status == S.CONFIRMED
    assert Workshop.objects.get(pk=w[0].pk).taken == 1


def test_cancel_promotes_the_first_waiting_and_emails_them(
    fresque, django_capture_on_commit_callbacks
):
    lens = fresque.sessions_list[0]
    with django_capture_on_commit_callbacks(execute=True):
        regs = [
            services.register(fresque, person(i), choices=Choices(session=lens)) for i in range(4)
        ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = changes.cancel_registration(regs[0])
    assert [r.pk for r in promoted] == [regs[2].pk]
    assert Registration.objects.get(pk=regs[2].pk).status == S.CONFIRMED
    assert Registration.objects.get(pk=regs[3].pk).status == S.WAITLISTED
    assert Session.objects.get(pk=lens.pk).taken == 2
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert subjects[0][0] == "p0@example.org" and "annulée" in subjects[0][1]
    assert subjects[1][0] == "p2@example.org" and "place" in subjects[1][1].lower()
    # Cancelling twice changes nothing.
    assert changes.cancel_registration(regs[0]) == []
    assert Session.objects.get(pk=lens.pk).taken == 2


def test_promotion_with_a_deadline_then_the_next_one(fresque):
    fresque.promotion_hours = 48
    fresque.save()
    lens = fresque.sessions_list[0]
    regs = [services.register(fresque, person(i), choices=Choices(session=lens)) for i in range(4)]
    now = at(0, 10)
    changes.cancel_registration(regs[0], now=now)
    offered = Registration.objects.get(pk=regs[2].pk)
    assert offered.status == S.PROMOTED
    assert offered.confirm_by == now + dt.timedelta(hours=48)
    assert Session.objects.get(pk=lens.pk).taken == 2  # the offered place is held
    # Not confirmed in time: it goes to the next person.
    assert changes.expire_promotions(now=now + dt.timedelta(hours=49)) == 1
    assert Registration.objects.get(pk=regs[2].pk).status == S.CANCELLED
    assert Registration.objects.get(pk=regs[3].pk).status == S.PROMOTED
    confirmed = waiting_list.confirm_promotion(regs[3], now=now + dt.timedelta(hours=50))
    assert confirmed.status == S.CONFIRMED
    with pytest.raises(rules.RegistrationError):
        waiting_list.confirm_promotion(regs[2])


def test_opening_and_closing_dates(rencontre):
    w = [workshops(rencontre)[0]]
    rencontre.registration_opens_at = at(1)
    rencontre.save()
    with pytest.raises(rules.RegistrationClosed) as error:
        services.register(rencontre, person(1), choices=Choices(workshops=w))
    assert "ouvrent" in error.value.message
    rencontre.registration_opens_at = at(-10)
    rencontre.registration_closes_at = at(-1)
    rencontre.save()
    with pytest.raises(rules.RegistrationClosed) as error:
        services.register(rencontre, person(1), choices=Choices(workshops=w))
    assert "closes" in error.value.message or "clôturées" in error.value.message
    assert Registration.objects.count() == 0 and not Person.objects.exists()


def test_members_only_and_categories(rencontre, organisations):
    w = [workshops(rencontre)[0]]
    rencontre.members_only = True
    rencontre.save()
    with pytest.raises(rules.NotEligible):
        services.register(
            rencontre,
            person(1),
            organisation=OrganisationInfo(organisation=organisations["other"]),
            choices=Choices(workshops=w),
        )
    with pytest.raises(rules.NotEligible):
        services.register(rencontre, person(1), choices=Choices(workshops=w))
    # Naming a member organisation is only a claim: refused until the link is confirmed.
    with pytest.raises(rules.Unconfirmed) as error:
        services.register(
            rencontre,
            person(1),
            organisation=OrganisationInfo(organisation=organisations["member"]),
            choices=Choices(workshops=w),
        )
    assert "Les Jardins de Cocagne" in error.value.message
    assert not Registration.objects.exists() and not Affiliation.objects.exists()
    confirm_link(person(1), organisations["member"])
    ok = services.register(
        rencontre,
        person(1),
        organisation=OrganisationInfo(organisation=organisations["member"]),
        choices=Choices(workshops=w),
    )
    assert ok.status == S.CONFIRMED
    rencontre.members_only = False
    rencontre.save()
    rencontre.eligible_categories.add(organisations["alimentation"])
    with pytest.raises(rules.NotEligible) as error:
        services.register(
            rencontre,
            person(2),
            organisation=OrganisationInfo(organisation=organisations["other"]),
            choices=Choices(workshops=w),
        )
    assert "Alimentation" in error.value.message
    assert Registration.objects.count() == 1


def test_course_is_one_registration_for_every_session(kinds, communes):
    course = Event.objects.create(
        title="Parcours",
        slug="parcours",
        kind=kinds["formation"],
        registration_mode="course",
        max_participants=2,
        min_participants=1,
        registration_closes_at=at(5),
    )
    days = [
        Session.objects.create(event=course, starts_at=at(d), ends_at=at(d, 17))
        for d in (10, 40, 70)
    ]
    first = services.register(course, person(1))
    assert first.session is None and first.sessions == days
    assert Event.objects.get(pk=course.pk).taken == 1
    assert all(s.taken == 1 for s in Session.objects.filter(event=course))
    services.register(course, person(2))
    assert services.register(course, person(3)).status == S.WAITLISTED
    with pytest.raises(rules.RegistrationClosed):
        services.register(course, person(4), now=at(6))


def test_prices_per_tier(rencontre, organisations):
    rencontre.price_member, rencontre.price_non_member = 10, 25
    rencontre.save()
    w = [workshops(rencontre)[0]]
    confirm_link(person(1), organisations["member"])
    member = services.register(
        rencontre,
        person(1),
        organisation=OrganisationInfo(organisation=organisations["member"]),
        choices=Choices(workshops=w),
    )
    other = services.register(rencontre, person(2), choices=Choices(workshops=w))
    # A stranger naming the member organisation pays the non-member price: a claim.
    stranger = services.register(
        rencontre,
        person(3),
        organisation=OrganisationInfo(organisation=organisations["member"]),
        choices=Choices(workshops=w),
    )
    assert (member.tier, member.price, member.payment_status) == ("member", 10, "pending")
    assert (other.tier, other.price) == ("non_member", 25)
    assert (stranger.tier, stranger.price) == ("non_member", 25)
    assert stranger.organisation == organisations["member"]
    claim = Affiliation.objects.get(person__email="p3@example.org")
    assert (claim.status, claim.source, claim.claim_detail) == (
        "claimed",
        "registration",
        rencontre.title,
    )


def test_colleagues_all_or_none(rencontre, organisations):
    w = [workshops(rencontre)[0]]
    regs = services.register_colleagues(
        rencontre,
        person(1),
        [person(1), person(2), person(3)],
        organisation=OrganisationInfo(organisation=organisations["member"]),
        choices=Choices(workshops=w),
    )
    assert {r.organisation for r in regs} == {organisations["member"]}
    assert {r.registered_by.email for r in regs} == {"p1@example.org"}
    # One colleague already registered: nobody of the batch is.
    with pytest.raises(rules.AlreadyRegistered):
        services.register_colleagues(
            rencontre,
            person(4),
            [person(4), person(2)],
            organisation=OrganisationInfo(organisation=organisations["member"]),
            choices=Choices(workshops=w),
        )
    assert not Registration.objects.filter(person__email="p4@example.org").exists()
    assert rencontre.sessions.get().taken == 3


def test_answers_are_checked_and_kept(rencontre):
    question = rencontre.questions.create(
        text="Régime", kind="choice", choices="Aucun\nVégétarien", required=True
    )
    w = [workshops(rencontre)[0]]
    with pytest.raises(ValidationError):
        services.register(rencontre, person(1), choices=Choices(workshops=w))
    with pytest.raises(ValidationError):
        services.register(
            rencontre, person(1), choices=Choices(workshops=w, answers={question.pk: "Vegan"})
        )
    reg = services.register(
        rencontre, person(1), choices=Choices(workshops=w, answers={question.pk: "Végétarien"})
    )
    assert reg.answers.get().value == "Végétarien"


def test_change_keeps_the_place_if_the_new_choice_is_full(rencontre):
    w = workshops(rencontre)
    Workshop.objects.filter(pk=w[1].pk).update(capacity=1)
    services.register(rencontre, person(1), choices=Choices(workshops=[w[1]]))
    reg = services.register(rencontre, person(2), choices=Choices(workshops=[w[0]]))
    with pytest.raises(rules.EventFull):
        changes.change_registration(reg, Choices(workshops=[Workshop.objects.get(pk=w[1].pk)]))
    assert list(reg.workshop_choices.values_list("workshop", flat=True)) == [w[0].pk]
    changes.change_registration(reg, Choices(workshops=[w[2]]))
    assert [x.taken for x in workshops(rencontre)] == [0, 1, 1]


def test_reminders_once_within_the_delay(fresque):
    lens, lille = fresque.sessions_list
    services.register(fresque, person(1), choices=Choices(session=lens))
    services.register(fresque, person(2), choices=Choices(session=lille))
    # Lens is in 10 days, Lille in 13; reminders go 2 days before.
    assert notices.send_reminders(now=at(7)) == 0
    assert notices.send_reminders(now=at(8, 15)) == 1
    assert notices.send_reminders(now=at(8, 16)) == 0
    assert notices.send_reminders(now=at(11, 15)) == 1


def test_a_course_is_reminded_before_each_of_its_days(kinds):
    course = Event.objects.create(
        title="Parcours", slug="parcours", kind=kinds["formation"], registration_mode="course"
    )
    for days in (10, 40):
        Session.objects.create(event=course, starts_at=at(days), ends_at=at(days, 17))
    services.register(course, person(1))
    assert notices.send_reminders(now=at(8, 10)) == 1
    assert notices.send_reminders(now=at(8, 11)) == 0
    assert notices.send_reminders(now=at(38, 10)) == 1


def test_cancelled_event_tells_registrants(fresque, django_capture_on_commit_callbacks):
    lens = fresque.sessions_list[0]
    services.register(fresque, person(1), choices=Choices(session=lens))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert editing.cancel_event(fresque) == 1
    assert len(mail.outbox) == 1 and "annulé" in mail.outbox[0].subject.lower()
    with pytest.raises(rules.RegistrationClosed):
        services.register(fresque, person(2), choices=Choices(session=lens))


def test_already_registered_beats_full(fresque):
    fresque.waitlist_enabled = False
    fresque.save()
    lens = fresque.sessions_list[0]
    services.register(fresque, person(1), choices=Choices(session=lens))
    services.register(fresque, person(2), choices=Choices(session=lens))
    with pytest.raises(rules.AlreadyRegistered):
        services.register(fresque, person(1), choices=Choices(session=lens))
    with pytest.raises(rules.EventFull):
        services.register(fresque, person(3), choices=Choices(session=lens))


def test_a_claim_written_with_the_registration_asks_the_representative_once(
    kinds, organisations, django_capture_on_commit_callbacks
):
    """An open event at one price: the claim of a link goes with the registration (one
    statement on PostgreSQL). The representative is asked once; a refused registration
    leaves no claim and asks nobody."""
    event = Event.objects.create(
        title="Rencontre d'un jour", slug="un-jour", kind=kinds["rencontre"], waitlist_enabled=False
    )
    Session.objects.create(event=event, starts_at=at(12, 9), ends_at=at(12, 17), capacity=1)
    lambda_org = organisations["other"]
    rep, _created = find_or_create_person(email="rep@example.org")
    affiliate(rep, lambda_org, is_representative=True)
    named = OrganisationInfo(name="Entreprise Lambda", commune="62041")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.register(event, person(1), organisation=named)
    assert first.status == "confirmed" and first.organisation == lambda_org
    claim = Affiliation.objects.get(person__email="p1@example.org")
    assert (claim.status, claim.source, claim.claim_detail) == (
        "claimed",
        "registration",
        event.title,
    )
    asked = [m for m in mail.outbox if m.to == ["rep@example.org"]]
    assert len(asked) == 1 and "Prénom1" in asked[0].subject
    mail.outbox.clear()
    # Full, no waiting list: refused; the stranger's claim is not kept, nobody is asked.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(rules.EventFull):
        services.register(event, person(2), organisation=named)
    assert not Affiliation.objects.filter(person__email="p2@example.org").exists()
    assert not Person.objects.filter(email="p2@example.org").exists()
    # The same person again: refused as registered; the claim as it was, no second email.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(rules.AlreadyRegistered):
        services.register(event, person(1), organisation=named)
    assert Affiliation.objects.get(person__email="p1@example.org").claim_nonce == claim.claim_nonce
    assert mail.outbox == []
