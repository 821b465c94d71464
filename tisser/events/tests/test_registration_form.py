"""The registration form's fields are built once per event copy and language and shared
by the forms of that copy: what one form is posted never shows in another."""

import pytest
from django.core import signing
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from tisser.directory.models import Category
from tisser.events import forms, queries
from tisser.events.models import Event, Question, Registration, Session
from tisser.events.registration import tokens

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(kinds):
    event = Event.objects.create(title="Rencontre", slug="rencontre-form", kind=kinds["rencontre"])
    Session.objects.create(event=event, starts_at=at(30, 9), ends_at=at(30, 17), capacity=5)
    Question.objects.create(event=event, text="Régime", kind="choice", choices="Aucun\nVégétarien")
    return queries.event_for_registration("rencontre-form")


def data(**extra):
    values = QueryDict(mutable=True)
    values.update({"first_name": "Ada", "last_name": "L", "email": "ada@example.org", **extra})
    return values


def test_the_forms_of_one_event_copy_share_their_fields_per_language(event):
    with translation.override("fr"):
        one, two = (
            forms.RegistrationForm(None, event=event),
            forms.RegistrationForm(None, event=event),
        )
        assert one.fields["email"] is two.fields["email"]
        assert one.fields is not two.fields  # each form its own dict
    with translation.override("en"):
        english = forms.RegistrationForm(None, event=event)
    assert english.fields["email"] is not one.fields["email"]
    fresh = queries.event_for_registration("rencontre-form")  # another copy: built anew
    assert forms.RegistrationForm(None, event=fresh).fields["email"] is not one.fields["email"]


def test_what_one_form_is_posted_never_shows_in_another(event):
    question = event.related_rows("questions")[0]
    wrong = forms.RegistrationForm(
        data(email="pas-une-adresse", **{f"question_{question.pk}": "Vin"}), event=event
    )
    assert not wrong.is_valid()
    assert set(wrong.errors) == {"email", f"question_{question.pk}"}
    right = forms.RegistrationForm(data(**{f"question_{question.pk}": "Aucun"}), event=event)
    assert right.is_valid(), right.errors
    assert right.choices().answers == {question.pk: "Aucun"}
    assert forms.RegistrationForm(None, event=event).errors == {}


def test_an_event_for_some_categories_requires_the_organisation(event):
    assert not forms.RegistrationForm(None, event=event).fields["organisation"].required
    event.eligible_categories.add(Category.objects.create(name="Alimentation", slug="alim"))
    restricted = queries.event_for_registration("rencontre-form")
    form = forms.RegistrationForm(data(), event=restricted)
    assert not form.is_valid() and "organisation" in form.errors
    # the other event copy's forms are untouched
    assert not forms.RegistrationForm(None, event=event).fields["organisation"].required


def test_the_fields_stay_with_their_copy_and_are_never_pickled(event):
    import pickle

    forms.RegistrationForm(None, event=event)
    assert event._memos
    again = pickle.loads(pickle.dumps(event))
    assert not hasattr(again, "_memos")
    assert (
        forms.RegistrationForm(None, event=again).fields["email"]
        is not (forms.RegistrationForm(None, event=event).fields["email"])
    )


def test_links_already_sent_keep_working(event, organisations):
    """Tokens are no longer compressed: zlib never shortened them, so every link an email
    carried is the very same text."""
    from tisser.directory.models import Person

    person = Person.objects.create(email="lien@example.org")
    registration = Registration.objects.create(
        event=event, session=event.sessions_list[0], person=person
    )
    signer = signing.Signer(salt=tokens.MANAGE_SALT)
    before = signer.sign_object({"r": registration.pk}, compress=True)
    assert tokens.manage_token(registration) == before
    assert tokens.registration_from_manage_token(before) == registration
    assert tokens.manage_path(registration) == reverse("events:manage", args=[before])
    checkin = signing.Signer(salt=tokens.CHECKIN_SALT).sign_object({"r": registration.pk})
    assert tokens.checkin_url(registration).endswith(reverse("events:checkin", args=[checkin]))
