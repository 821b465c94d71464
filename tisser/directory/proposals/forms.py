"""Forms of the cooperative map: propose a new actor, propose a change, moderate.

The forms only check and shape what was typed; `services_proposals` stores it. Every
error names the field and says what to do, and a form with errors gives back what was
typed (except a chosen file, which browsers never send back: the page says so).
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from tisser.core.html import rich_text_html, same_rich_text
from tisser.core.richtext import RichTextarea
from tisser.core.text import fold
from tisser.directory.contacts import services
from tisser.directory.models import Category, LegalForm, Organisation
from tisser.directory.proposals.queries import PROPOSABLE_FIELDS, current_value
from tisser.directory.siret import is_valid_siret, normalise_siret
from tisser.territories.queries import find_commune

CONSENT_WORDING = _(
    "I agree that the network may contact me about the social and solidarity economy "
    "(I can withdraw this at any time)."
)
HONEYPOT_FIELD = "homepage"

# Markup that is never kept: reported to the person instead of silently dropped.
_ACTIVE_CONTENT = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|form|svg|math|link|meta)\b"
    r"|\son[a-z]+\s*=|javascript\s*:",
    re.IGNORECASE,
)


def _coordinate(value: str, low: int, high: int, message) -> float | None:
    text = (value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValidationError(_("Enter a number, for example 50.6292."), code="invalid") from None
    if not low <= number <= high:
        raise ValidationError(message, code="out_of_range")
    return number


class ActorFieldsForm(forms.Form):
    """The public fields of an actor, as anyone may propose them."""

    required_css_class = "required"

    name = forms.CharField(label=_("Name of the actor"), max_length=200)
    legal_form = forms.ChoiceField(
        label=_("Legal form"),
        choices=[("", _("— choose —")), *LegalForm.choices],
        required=False,
    )
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        required=False,
        help_text=_("14 digits, found on the INSEE register (annuaire-entreprises.data.gouv.fr)."),
    )
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=5,
        required=False,
        validators=[RegexValidator(r"^\d{5}$", _("A postcode has 5 digits, e.g. 59000."))],
    )
    commune = forms.CharField(
        label=_("Commune"),
        max_length=100,
        help_text=_("Its name (e.g. Lille) or its INSEE code (e.g. 59350)."),
    )
    latitude = forms.CharField(
        label=_("Latitude"),
        max_length=20,
        required=False,
        help_text=_("Optional: to place the marker precisely (between -90 and 90)."),
    )
    longitude = forms.CharField(
        label=_("Longitude"),
        max_length=20,
        required=False,
        help_text=_("Optional (between -180 and 180)."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    email = forms.EmailField(
        label=_("Public email"),
        required=False,
        help_text=_("Shown on the map: use the organisation's general address."),
    )
    phone = forms.CharField(label=_("Public phone"), max_length=30, required=False)
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        # Anonymous proposers upload no image: nobody has checked who they are.
        widget=RichTextarea(uploads=False),
        help_text=_("What the actor does, for whom, where. Simple formatting only."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
        help_text=_("PNG, JPEG, GIF or WebP image, 2 MB at most."),
    )

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        self.organisation = organisation
        super().__init__(*args, **kwargs)
        self.commune_found = None

    # --- fields -------------------------------------------------------------------

    def clean_siret(self) -> str:
        typed = self.cleaned_data.get("siret", "")
        siret = normalise_siret(typed)
        if not siret:
            return ""
        if not is_valid_siret(siret):
            raise ValidationError(
                _("“%(value)s” is not a valid SIRET: it has 14 digits and a correct check key."),
                params={"value": typed},
                code="invalid",
            )
        clash = Organisation.objects.filter(siret=siret)
        if self.organisation is not None:
            clash = clash.exclude(pk=self.organisation.pk)
        if found := clash.first():
            raise ValidationError(
                _(
                    "This SIRET is already that of “%(name)s”: propose a change to that actor instead."
                ),
                params={"name": found.name},
                code="taken",
            )
        return siret

    def clean_latitude(self):
        return _coordinate(
            self.cleaned_data.get("latitude"),
            -90,
            90,
            _("The latitude must be between -90 and 90."),
        )

    def clean_longitude(self):
        return _coordinate(
            self.cleaned_data.get("longitude"),
            -180,
            180,
            _("The longitude must be between -180 and 180."),
        )

    def clean_description(self) -> str:
        typed = (self.cleaned_data.get("description") or "").replace("\r\n", "\n")
        cleaned = rich_text_html(typed)
        if _ACTIVE_CONTENT.search(typed):
            # Show what would be kept, and ask the person to check it before sending.
            self.data = self.data.copy()
            self.data[self.add_prefix("description")] = cleaned
            raise ValidationError(
                _(
                    "The description contained code (a script, a style or similar) that is "
                    "not allowed. It has been removed: check the text and send the form again."
                ),
                code="active_content",
            )
        return cleaned

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo:
            return None
        try:
            services.validate_logo(logo)
        except ValidationError as error:
            raise ValidationError(error.message_dict.get("logo", error.messages)) from None
        return logo

    def clean(self):
        cleaned = super().clean()
        typed = (cleaned.get("commune") or "").strip()
        if typed:
            current = self.organisation.commune if self.organisation else None
            if current is not None and fold(typed) in {fold(current.name), fold(str(current))}:
                self.commune_found = current
            else:
                self.commune_found = find_commune(typed, postcode=cleaned.get("postcode") or "")
                if self.commune_found is None:
                    self.add_error(
                        "commune",
                        ValidationError(
                            _(
                                "We do not know the commune “%(value)s”: check its spelling, "
                                "or type its INSEE code."
                            ),
                            params={"value": typed},
                            code="unknown",
                        ),
                    )
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if not self.errors.keys() & {"latitude", "longitude"} and (lat is None) != (lon is None):
            self.add_error("longitude", _("Give both the latitude and the longitude, or neither."))
        return cleaned

    # --- output -------------------------------------------------------------------

    def proposed_values(self) -> dict:
        """Every field's value in the JSON shape a proposal stores."""
        data = self.cleaned_data
        values = {}
        for field in PROPOSABLE_FIELDS:
            if field == "commune":
                values[field] = self.commune_found.code if self.commune_found else ""
            elif field == "categories":
                values[field] = sorted(c.slug for c in data.get("categories") or [])
            elif field in {"latitude", "longitude"}:
                values[field] = data.get(field)
            else:
                values[field] = (data.get(field) or "").strip()
        return values

    @property
    def logo_needs_choosing_again(self) -> bool:
        return self.is_bound and bool(self.files.get(self.add_prefix("logo"))) and bool(self.errors)


class ProposerFieldsMixin(forms.Form):
    """Who proposes, and a field only robots fill (hidden by CSS, not type=hidden)."""

    proposer_name = forms.CharField(label=_("Your name"), max_length=200)
    proposer_email = forms.EmailField(
        label=_("Your email"),
        help_text=_("To tell you what becomes of your proposal. Never published."),
    )
    contact_consent = forms.BooleanField(label=CONSENT_WORDING, required=False)
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_robot(self) -> bool:
        return bool((self.data.get(self.add_prefix(HONEYPOT_FIELD)) or "").strip())


class NewActorProposalForm(ActorFieldsForm, ProposerFieldsMixin):
    def proposal_data(self) -> dict:
        """Only what was filled in."""
        return {k: v for k, v in self.proposed_values().items() if v not in ("", None, [])}


class ChangeProposalForm(ActorFieldsForm, ProposerFieldsMixin):
    """Starts from the actor's current values; only the fields that differ are kept."""

    def __init__(self, *args, organisation: Organisation, **kwargs):
        initial = {f: current_value(organisation, f) for f in PROPOSABLE_FIELDS}
        initial["commune"] = organisation.commune.name if organisation.commune_id else ""
        initial.update(kwargs.pop("initial", None) or {})
        super().__init__(*args, organisation=organisation, initial=initial, **kwargs)
        self.fields["commune"].required = False

    def proposal_data(self) -> dict:
        changed = {}
        for field, value in self.proposed_values().items():
            current = current_value(self.organisation, field)
            if field == "description":
                same = same_rich_text(value or "", current or "")
            elif field in {"latitude", "longitude"}:
                same = (value is None and current in (None, "")) or value == current
            else:
                same = value == (current if current is not None else "")
            if not same:
                changed[field] = value
        return changed

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.proposal_data() and not cleaned.get("logo"):
            raise ValidationError(
                _("You have not changed anything: edit the fields to correct, then send."),
                code="unchanged",
            )
        return cleaned


class AcceptForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the history (optional)"), max_length=200, required=False
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the proposer: be clear and courteous."),
        error_messages={"required": _("Give the reason: it is sent to the proposer.")},
    )
