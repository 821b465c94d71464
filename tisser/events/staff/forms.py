"""Forms of the staff side and of the shared agenda (events proposed by members, answers
to calls for proposals). The public ones carry the map's honeypot field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.core.richtext import RichTextField
from tisser.directory.models import LegalForm
from tisser.directory.proposals.forms import HONEYPOT_FIELD
from tisser.events.forms import RegistrationForm
from tisser.events.models import EventKind, Registration
from tisser.territories.models import Departement


class HoneypotMixin:
    def is_robot(self) -> bool:
        return bool((self.data.get(self.add_prefix(HONEYPOT_FIELD)) or "").strip())


def _honeypot():
    return forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class ParticipantFilterForm(forms.Form):
    """The filters of the participants list (GET); every one optional."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    session = forms.ChoiceField(label=gettext_lazy("Session"), required=False)
    organisation = forms.CharField(label=gettext_lazy("Organisation"), required=False)
    legal_form = forms.ChoiceField(label=gettext_lazy("Kind of organisation"), required=False)
    territory = forms.ChoiceField(label=gettext_lazy("Département"), required=False)
    workshop = forms.ChoiceField(label=gettext_lazy("Workshop"), required=False)
    payment = forms.ChoiceField(label=gettext_lazy("Payment"), required=False)
    question = forms.ChoiceField(label=gettext_lazy("Question"), required=False)
    answer = forms.CharField(label=gettext_lazy("Answer contains"), required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.fields
        f["status"].choices = [("", _("Not cancelled"))] + list(Registration.Status.choices)
        f["session"].choices = [("", _("All sessions"))] + [
            (s.pk, str(s)) for s in event.sessions_list
        ]
        f["legal_form"].choices = [("", _("All kinds"))] + list(LegalForm.choices)
        f["territory"].choices = [("", _("Everywhere"))] + [
            (d.code, f"{d.code} {d.name}") for d in Departement.objects.order_by("code")
        ]
        f["workshop"].choices = [("", _("All workshops"))] + [
            (w.pk, w.title) for item in event.programme.all() for w in item.workshops.all()
        ]
        f["payment"].choices = [("", _("Any payment status"))] + list(Registration.Payment.choices)
        f["question"].choices = [("", _("No question"))] + [
            (q.pk, q.text) for q in event.questions.all()
        ]
        if len(f["session"].choices) <= 2:
            del f["session"]
        if len(f["workshop"].choices) == 1:
            del f["workshop"]
        if len(f["question"].choices) == 1:
            del f["question"]
            del f["answer"]


class PaymentForm(forms.Form):
    payment_status = forms.ChoiceField(
        label=gettext_lazy("Payment"), choices=Registration.Payment.choices
    )


class WalkInForm(forms.Form):
    """Someone who walks in at the door, typed by staff on a phone."""

    first_name = forms.CharField(
        label=gettext_lazy("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
    )
    last_name = forms.CharField(
        label=gettext_lazy("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email"}),
    )
    organisation = forms.CharField(
        label=gettext_lazy("Organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("As the person says it: it is not checked."),
    )

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("This field contains a character that is not allowed."))
        return cleaned


class DuplicateForm(forms.Form):
    first_day = forms.DateField(
        label=gettext_lazy("Date of the first session of the copy"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    title = forms.CharField(
        label=gettext_lazy("Title of the copy"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Empty: the same title."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (sent to the proposer)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give the reason: it is sent to the proposer.")},
    )


class EventProposalForm(HoneypotMixin, forms.Form):
    """What a member organisation proposes for the agenda."""

    organisation = forms.ModelChoiceField(label=gettext_lazy("Organisation"), queryset=None)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ModelChoiceField(label=gettext_lazy("Kind"), queryset=EventKind.objects.all())
    summary = forms.CharField(label=gettext_lazy("Summary"), max_length=300, required=False)
    description = RichTextField(label=gettext_lazy("Description"), required=False, uploads=False)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Ends"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    venue_name = forms.CharField(label=gettext_lazy("Venue"), max_length=200, required=False)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=250, required=False)
    commune = forms.CharField(
        label=gettext_lazy("Commune"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Name or postcode, e.g. Lille or 59000."),
    )
    online_url = forms.URLField(
        label=gettext_lazy("Online link"), required=False, assume_scheme="https"
    )
    external_registration_url = forms.URLField(
        label=gettext_lazy("External registration link"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Where people register, if not here."),
    )
    homepage = _honeypot()

    clean_commune = RegistrationForm.clean_commune

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first().pk

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The event cannot end before it starts."))
        return data

    def event_data(self) -> dict:
        d = self.cleaned_data
        return {
            name: d[name]
            for name in (
                "title",
                "kind",
                "summary",
                "description",
                "venue_name",
                "address",
                "commune",
                "online_url",
                "external_registration_url",
            )
        }


class CallSubmissionForm(HoneypotMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    email = forms.EmailField(
        label=gettext_lazy("Your email"),
        help_text=gettext_lazy("Only the team sees it, to answer you."),
    )
    organisation_name = forms.CharField(
        label=gettext_lazy("Organisation"), max_length=200, required=False
    )
    theme = forms.CharField(label=gettext_lazy("Proposed theme"), max_length=300, required=False)
    venue = forms.CharField(label=gettext_lazy("Proposed venue"), max_length=300, required=False)
    message = forms.CharField(
        label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    homepage = _honeypot()

    def clean(self):
        data = super().clean()
        if not any((data.get(k) or "").strip() for k in ("theme", "venue", "message")):
            raise ValidationError(_("Propose a theme, a venue or write a message."))
        return data

    def submission_data(self) -> dict:
        return {
            k: self.cleaned_data[k].strip()
            for k in ("name", "email", "organisation_name", "theme", "venue", "message")
        }
