"""The staff's writes: moving someone in from the waiting list, payments, check-in,
duplicating an event."""

import datetime as dt

import pytest
from django.utils import timezone

from tisser.events.models import Attendance, Event, Registration
from tisser.events.registration import changes, rules
from tisser.events.staff import editing
from tisser.events.staff import services as services_staff

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_promote_from_waitlist_takes_a_place_or_says_it_is_full(fresque, register):
    lens = fresque.sessions_list[0]
    a = register(fresque, "a@example.org", "Ana", "A", session=lens)
    register(fresque, "b@example.org", "Bob", "B", session=lens)
    waiting = register(fresque, "c@example.org", "Chloé", "C", session=lens)
    assert waiting.status == Status.WAITLISTED
    with pytest.raises(rules.EventFull):
        services_staff.promote_registration(waiting)
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED
    # A place freed with the queue scanned elsewhere: staff give it to a chosen person.
    Registration.objects.filter(pk=a.pk).update(status=Status.CANCELLED)
    editing.recount_places(fresque)
    services_staff.promote_registration(waiting)
    waiting.refresh_from_db()
    lens.refresh_from_db()
    assert waiting.status == Status.CONFIRMED and lens.taken == 2
    with pytest.raises(rules.RegistrationError):
        services_staff.promote_registration(waiting)


def test_record_payment(course, register, orgs):
    r = register(course, "p@example.org", "Paul", "P", org=orgs["scop"])
    services_staff.record_payment(r, Registration.Payment.PAID)
    r.refresh_from_db()
    assert r.payment_status == Registration.Payment.PAID
    with pytest.raises(rules.RegistrationError):
        services_staff.record_payment(r, "stolen")


def test_check_in_only_a_place_held_and_only_its_sessions(fresque, register):
    lens, lille = fresque.sessions_list
    r = register(fresque, "a@example.org", "Ana", "A", session=lens)
    services_staff.check_in(r, lens)
    assert Attendance.objects.get(registration=r, session=lens).attended
    with pytest.raises(rules.RegistrationError):
        services_staff.check_in(r, lille)
    services_staff.check_in(r, lens, attended=False)
    assert not Attendance.objects.get(registration=r, session=lens).attended
    changes.cancel_registration(r)
    r.refresh_from_db()
    with pytest.raises(rules.RegistrationError):
        services_staff.check_in(r, lens)


def test_duplicate_shifts_sessions_and_copies_programme_not_registrations(rencontre, register):
    rencontre.registration_closes_at = rencontre.main_session.starts_at - dt.timedelta(days=3)
    rencontre.save()
    rencontre.questions.create(text="Besoins d'accessibilité", kind="text")
    workshop = rencontre.programme.get(choose_workshop=True).workshops.first()
    register(rencontre, "a@example.org", "Ana", "A", workshops=[workshop])
    old_start = timezone.localtime(rencontre.main_session.starts_at)
    new_day = old_start.date() + dt.timedelta(days=364)
    copy = services_staff.duplicate_event(rencontre, new_day, title="Rencontre des Solidaires 3")
    assert copy.pk != rencontre.pk and copy.status == Event.Status.PROPOSED
    assert copy.title == "Rencontre des Solidaires 3" and copy.slug != rencontre.slug
    (session,) = copy.sessions_list
    assert timezone.localtime(session.starts_at).date() == new_day
    assert timezone.localtime(session.starts_at).time() == old_start.time()
    assert session.capacity == 150 and session.taken == 0 and copy.taken == 0
    assert copy.registration_closes_at == rencontre.registration_closes_at + dt.timedelta(days=364)
    assert [i.title for i in copy.programme.all()] == ["Accueil", "Ateliers"]
    workshops = copy.programme.get(choose_workshop=True).workshops.all()
    assert [w.title for w in workshops] == ["Coopérer", "Financer", "Essaimer"]
    assert all(w.taken == 0 and w.capacity == 50 for w in workshops)
    assert [q.text for q in copy.questions.all()] == ["Besoins d'accessibilité"]
    assert not copy.registrations.exists() and rencontre.registrations.count() == 1
    # The original is untouched.
    rencontre.refresh_from_db()
    assert rencontre.sessions.count() == 1 and rencontre.programme.count() == 2


def test_duplicate_a_course_keeps_the_gaps_between_days(course):
    days = [timezone.localtime(s.starts_at).date() for s in course.sessions_list]
    copy = services_staff.duplicate_event(course, days[0] + dt.timedelta(days=365))
    new = [timezone.localtime(s.starts_at).date() for s in copy.sessions_list]
    assert [(d - new[0]).days for d in new] == [(d - days[0]).days for d in days]
    assert copy.min_participants == 8 and copy.max_participants == 12
    assert copy.registration_mode == "course"


def test_duplicate_page_makes_a_hidden_copy(rencontre, role_users, client):
    from django.urls import reverse

    client.force_login(role_users["editor"])
    url = reverse("events:staff_duplicate", args=[rencontre.pk])
    response = client.post(url, {"first_day": "not a date"})
    assert response.status_code == 200 and "first_day" in response.context["form"].errors
    response = client.post(url, {"first_day": "2027-06-10"}, follow=True)
    copy = Event.objects.exclude(pk=rencontre.pk).get()
    assert response.redirect_chain[-1][0].endswith(f"/{copy.pk}/participants/")
    assert "pas encore public" in response.content.decode()
    assert timezone.localtime(copy.sessions_list[0].starts_at).date() == dt.date(2027, 6, 10)
    assert client.get(copy.get_absolute_url()).status_code == 404
