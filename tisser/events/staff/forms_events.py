"""Staff forms to edit an event, its sessions, programme (with workshops) and questions,
and the kinds of event. Saving goes through `services_editing.save_event_forms`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.core.countries import country_choices
from tisser.core.richtext import RichTextarea, RichTextField
from tisser.directory.contacts.services import find_commune
from tisser.events.models import Event, EventKind, ProgrammeItem, Question, Session

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CommuneField(forms.CharField):
    """A commune typed as a name, "Name (59)" or an INSEE code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", gettext_lazy("Name or INSEE code, e.g. Lens or 62498."))
        super().__init__(max_length=100, **kwargs)

    def prepare_value(self, value):
        from tisser.territories.models import Commune

        if isinstance(value, Commune):
            return value.name
        if value and isinstance(value, str) and value.isdigit():
            commune = Commune.objects.filter(pk=value).first()
            return commune.name if commune else value
        return value

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        commune = find_commune(text)
        if commune is None:
            raise ValidationError(_("Unknown commune “%(text)s”.") % {"text": text})
        return commune


class EventForm(forms.ModelForm):
    commune = CommuneField(label=gettext_lazy("Commune"))
    country = forms.ChoiceField(
        label=gettext_lazy("country"),
        choices=country_choices,
        initial="FR",
        required=False,
        help_text=Event._meta.get_field("country").help_text,
    )
    online_url = forms.URLField(
        label=gettext_lazy("online link"), required=False, assume_scheme="https"
    )
    external_registration_url = forms.URLField(
        label=gettext_lazy("external registration link"),
        required=False,
        assume_scheme="https",
        help_text=Event._meta.get_field("external_registration_url").help_text,
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "kind",
            "status",
            "summary",
            "description",
            "image",
            "venue_name",
            "address",
            "commune",
            "country",
            "accessibility",
            "online_url",
            "external_registration_url",
            "organiser_name",
            "registration_mode",
            "registration_opens_at",
            "registration_closes_at",
            "min_participants",
            "max_participants",
            "waitlist_enabled",
            "promotion_hours",
            "members_only",
            "eligible_categories",
            "reserved_for",
            "price_member",
            "price_non_member",
            "reminder_days",
        ]
        widgets = {
            "registration_opens_at": DATETIME,
            "registration_closes_at": DATETIME,
            "eligible_categories": forms.CheckboxSelectMultiple,
            "description": RichTextarea(),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"description": RichTextField}

    def clean_country(self):
        return self.cleaned_data.get("country") or "FR"

    def clean_max_participants(self):
        value = self.cleaned_data.get("max_participants")
        taken = self.instance.taken if self.instance.pk else 0
        if value is not None and value < taken:
            raise ValidationError(
                _("%(taken)s places are already taken: the maximum cannot be lower.")
                % {"taken": taken}
            )
        return value

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_participants"), cleaned.get("max_participants")
        if low is not None and high is not None and low > high:
            self.add_error("min_participants", _("The minimum is above the maximum."))
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if opens and closes and opens >= closes:
            self.add_error("registration_closes_at", _("Registration closes before it opens."))
        return cleaned


class SessionForm(forms.ModelForm):
    commune = CommuneField(label=gettext_lazy("Commune"))

    class Meta:
        model = Session
        fields = ["title", "starts_at", "ends_at", "venue_name", "address", "commune", "capacity"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The session ends before it starts."))
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None and capacity < self.instance.taken:
            self.add_error(
                "capacity",
                _("%(taken)s places are already taken: the capacity cannot be lower.")
                % {"taken": self.instance.taken},
            )
        return cleaned


def parse_workshops(text: str) -> list[tuple[str, int | None]]:
    """One workshop a line: "Title" or "Title | capacity"."""
    workshops, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        title, _sep, capacity = line.partition("|")
        capacity = capacity.strip()
        if capacity and not capacity.isdigit():
            errors.append(
                _("Line %(number)s: the capacity “%(value)s” is not a whole number.")
                % {"number": number, "value": capacity}
            )
            continue
        workshops.append((title.strip(), int(capacity) if capacity else None))
    if errors:
        raise ValidationError(errors)
    return workshops


class ProgrammeItemForm(forms.ModelForm):
    workshops_text = forms.CharField(
        label=gettext_lazy("Parallel workshops"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One a line: title | capacity (capacity optional)."),
    )

    class Meta:
        model = ProgrammeItem
        fields = ["starts_at", "ends_at", "title", "description", "choose_workshop"]
        widgets = {
            "starts_at": TIME,
            "ends_at": TIME,
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["workshops_text"].initial = "\n".join(
                f"{w.title} | {w.capacity}" if w.capacity is not None else w.title
                for w in self.instance.workshops.all()
            )

    def clean_workshops_text(self):
        return parse_workshops(self.cleaned_data.get("workshops_text", ""))


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["position", "text", "kind", "choices", "required"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") in (Question.Kind.CHOICE, Question.Kind.MULTIPLE) and not [
            c for c in (cleaned.get("choices") or "").splitlines() if c.strip()
        ]:
            self.add_error("choices", _("Give the choices, one a line."))
        return cleaned


SessionFormSet = inlineformset_factory(Event, Session, form=SessionForm, extra=1, can_delete=True)
ProgrammeFormSet = inlineformset_factory(
    Event, ProgrammeItem, form=ProgrammeItemForm, extra=1, can_delete=True
)
QuestionFormSet = inlineformset_factory(
    Event, Question, form=QuestionForm, extra=1, can_delete=True
)


class EventKindForm(forms.ModelForm):
    class Meta:
        model = EventKind
        fields = ["name", "slug", "position"]
