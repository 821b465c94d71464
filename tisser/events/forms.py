"""Public forms of the agenda: its filters and the registration form an event's
sessions, workshops and questions shape."""

from __future__ import annotations

import copy
import re
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.directory.contacts.services import find_commune
from tisser.events.registration import rules
from tisser.territories.models import Commune

from .models import Event, EventKind, Question, RegistrationMode

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class AgendaFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    territory = forms.ChoiceField(label=gettext_lazy("Département"), required=False)
    month = forms.CharField(
        label=gettext_lazy("Month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=gettext_lazy("For example 2026-06."),
    )
    free = forms.BooleanField(label=gettext_lazy("With free places only"), required=False)

    def __init__(self, *args, departements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = list(EventKind.objects.all())
        self.fields["kind"].choices = [("", _("All kinds"))] + [
            (k.slug, k.name) for k in self.kinds
        ]
        self.fields["territory"].choices = [("", _("Everywhere"))] + [
            (d.code, f"{d.name} ({d.code})") for d in departements
        ]

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if value and not MONTH.match(value):
            raise ValidationError(_("Give a month as YYYY-MM, for example 2026-06."))
        return value


def _workshop_label(workshop) -> str:
    if workshop.is_full:
        return _("%(title)s (full: waiting list)") % {"title": workshop.title}
    if workshop.places_left is not None:
        return _("%(title)s (%(left)s places left)") % {
            "title": workshop.title,
            "left": workshop.places_left,
        }
    return workshop.title


def _session_label(session) -> str:
    from django.utils import formats, timezone

    start = timezone.localtime(session.starts_at)
    text = formats.date_format(start, "DATE_FORMAT") + f" {start:%H:%M}"
    commune = session.place_commune
    if session.title:
        text = f"{session.title} · {text}"
    elif commune:
        text = f"{commune.name} · {text}"
    if session.is_full:
        text += " " + _("(full: waiting list)")
    return text


def parse_colleagues(text: str) -> list[rules.Registrant]:
    """One colleague a line: "First name; Last name; email" (commas work too)."""
    people, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in re.split(r"[;,\t]", line)]
        email = next((p for p in parts if "@" in p), "")
        names = [p for p in parts if p and p != email]
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                _("Line %(number)s: “%(line)s” has no valid email address.")
                % {"number": number, "line": line.strip()}
            )
            continue
        people.append(
            rules.Registrant(
                email=email.lower(),
                first_name=names[0] if names else "",
                last_name=" ".join(names[1:]),
            )
        )
    if errors:
        raise ValidationError(errors)
    return people


class EventFields(NamedTuple):
    """The fields an event's sessions, workshops and questions add to a form, and what
    reads their answers back."""

    fields: dict[str, forms.Field]
    #: (programme item, its workshops by primary key, field name)
    workshop_items: list[tuple]
    #: (question, field name)
    question_fields: list[tuple]


def event_fields(event: Event) -> EventFields:
    """New fields for `event`'s choices, labelled in the active language."""
    fields = {}
    sessions = event.sessions_list
    if event.registration_mode == RegistrationMode.PER_SESSION and len(sessions) > 1:
        fields["session"] = forms.TypedChoiceField(
            label=_("Date"),
            choices=[(s.pk, _session_label(s)) for s in sessions],
            coerce=int,
            widget=forms.RadioSelect,
        )
    workshop_items = []
    for item in event.related_rows("programme"):
        workshops = list(item.workshops.all())
        if not (item.choose_workshop and workshops):
            continue
        name = f"workshop_{item.pk}"
        fields[name] = forms.TypedChoiceField(
            label=_("Workshop: %(title)s") % {"title": item.title},
            choices=[(w.pk, _workshop_label(w)) for w in workshops],
            coerce=int,
            widget=forms.RadioSelect,
        )
        workshop_items.append((item, {w.pk: w for w in workshops}, name))
    question_fields = []
    for question in event.related_rows("questions"):
        name = f"question_{question.pk}"
        required = question.required
        if question.kind == Question.Kind.CHOICE:
            field = forms.ChoiceField(
                choices=[("", "—")] + [(c, c) for c in question.choice_list],
                required=required,
            )
        elif question.kind == Question.Kind.MULTIPLE:
            field = forms.MultipleChoiceField(
                choices=[(c, c) for c in question.choice_list],
                required=required,
                widget=forms.CheckboxSelectMultiple,
            )
        elif question.kind == Question.Kind.YES_NO:
            field = forms.ChoiceField(
                choices=[("", "—"), (_("Yes"), _("Yes")), (_("No"), _("No"))],
                required=required,
            )
        else:
            field = forms.CharField(
                max_length=2000,
                required=required,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        field.label = question.text
        fields[name] = field
        question_fields.append((question, name))
    return EventFields(fields, workshop_items, question_fields)


class EventChoicesMixin:
    """A form with an event's choices: `choices()` reads them back for the service."""

    def add_event_fields(self, event: Event) -> None:
        self.use_event_fields(event, event_fields(event))

    def use_event_fields(self, event: Event, built: EventFields) -> None:
        self.event = event
        self.fields.update(built.fields)
        self.workshop_items, self.question_fields = built.workshop_items, built.question_fields

    def choices(self) -> rules.Choices:
        data = self.cleaned_data
        session = None
        if "session" in data:
            session = next((s for s in self.event.sessions_list if s.pk == data["session"]), None)
        workshops = [
            by_pk[data[name]] for _item, by_pk, name in self.workshop_items if data.get(name)
        ]
        answers = {}
        for question, name in self.question_fields:
            value = data.get(name)
            if isinstance(value, list):
                value = ", ".join(value)
            answers[question.pk] = value or ""
        return rules.Choices(session=session, workshops=workshops, answers=answers)

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError next to the field it names, if the form has it."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                if field == "workshops" and self.workshop_items:
                    target = self.workshop_items[0][2]
                for message in messages:
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class RegistrantFields(forms.Form):
    """Who registers: the registration form's own fields (before the event's)."""

    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=100)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=100)
    email = forms.EmailField(label=gettext_lazy("Email"))
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)
    organisation = forms.CharField(
        label=gettext_lazy("Organisation"), max_length=200, required=False
    )
    commune = forms.CharField(
        label=gettext_lazy("Commune of the organisation"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Name or postcode, e.g. Lille or 59000."),
    )
    colleagues = forms.CharField(
        label=gettext_lazy("Register colleagues too"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Optional, one a line: first name; last name; email. They must be of the same "
            "organisation; each gets their own confirmation."
        ),
    )


def registration_fields(event: Event) -> EventFields:
    """The registration form's fields for `event` in the active language, built once per
    event instance (`Event.memo`): the rush's posts share the process's copy of the
    event, and building and deep-copying a form's fields at every post was a fifth of a
    registration's CPU. Shared, so never changed by a form (nothing in a form's
    validation or rendering changes its fields)."""
    return event.memo(
        ("registration_fields", translation.get_language()), lambda: _registration_fields(event)
    )


def _registration_fields(event: Event) -> EventFields:
    fields = copy.deepcopy(RegistrantFields.base_fields)
    built = event_fields(event)
    fields.update(built.fields)
    if event.members_only or event.related_rows("eligible_categories"):
        fields["organisation"].required = True
    return built._replace(fields=fields)


class RegistrationForm(EventChoicesMixin, forms.Form):
    """Registering for an event: `RegistrantFields` and the event's choices, whose field
    objects are shared (`registration_fields`)."""

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.use_event_fields(event, registration_fields(event))

    def clean_commune(self):
        text = (self.cleaned_data.get("commune") or "").strip()
        if not text:
            return None
        if text.isdigit() and len(text) == 5:
            commune = find_commune(text) or (
                Commune.objects.filter(postcodes__contains=text).order_by("-population").first()
            )
        else:
            commune = find_commune(text)
        if commune is None:
            raise ValidationError(_("Unknown commune “%(text)s”.") % {"text": text})
        return commune

    def clean_colleagues(self):
        return parse_colleagues(self.cleaned_data.get("colleagues", ""))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("colleagues") and not (cleaned.get("organisation") or "").strip():
            self.add_error("organisation", _("Give the organisation of the colleagues."))
        return cleaned

    # What the service needs, from the cleaned data.
    def registrant(self) -> rules.Registrant:
        data = self.cleaned_data
        return rules.Registrant(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            phone=data.get("phone", ""),
        )

    def organisation_info(self) -> rules.OrganisationInfo | None:
        name = (self.cleaned_data.get("organisation") or "").strip()
        if not name:
            return None
        return rules.OrganisationInfo(name=name, commune=self.cleaned_data.get("commune"))


class ChangeForm(EventChoicesMixin, forms.Form):
    """What a registrant may change through their signed link: date, workshops, answers."""

    def __init__(self, *args, registration, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_event_fields(registration.event)
        if "session" in self.fields and registration.session_id:
            self.fields["session"].initial = registration.session_id
        chosen = {c.workshop.item_id: c.workshop_id for c in registration.workshop_choices.all()}
        for item, _by_pk, name in self.workshop_items:
            self.fields[name].initial = chosen.get(item.pk)
        answers = {a.question_id: a.value for a in registration.answers.all()}
        for question, name in self.question_fields:
            value = answers.get(question.pk, "")
            if question.kind == Question.Kind.MULTIPLE:
                value = [v.strip() for v in value.split(",") if v.strip()]
            self.fields[name].initial = value

    @property
    def has_fields(self) -> bool:
        return bool(self.fields)
