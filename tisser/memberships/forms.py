"""Forms of the memberships app: thin, the rules are in `services`."""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisser.directory.contacts.forms import apply_errors  # noqa: F401  (used by the views)
from tisser.directory.models import LegalForm, WorkforceBand
from tisser.directory.siret import is_valid_siret, normalise_siret
from tisser.directory.validation import find_commune

from .models import College, FeeRule, MembershipYear, Payment

BLANK = [("", "—")]
CONSENT_WORDING = _(
    "I agree that the network keeps these details to manage our membership and contact us "
    "about the network's life (general assembly, working groups, events)."
)


class JoinForm(forms.Form):
    """A new member or a renewal, as the public fills it in."""

    year = forms.ModelChoiceField(
        label=_("Membership year"), queryset=MembershipYear.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        required=False,
        help_text=_("14 digits; spaces are allowed. It lets us find your organisation."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    legal_form = forms.ChoiceField(
        label=_("Legal form"), choices=BLANK + LegalForm.choices, required=False
    )
    workforce = forms.ChoiceField(
        label=_("Workforce"), choices=BLANK + WorkforceBand.choices, required=False
    )
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    commune = forms.CharField(
        label=_("Commune"), max_length=120, help_text=_("For example “Lille” or “Arras”.")
    )
    college = forms.ModelChoiceField(
        label=_("College"),
        queryset=College.objects.all(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("The kind of member you are; the general assembly votes by college."),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    role = forms.CharField(label=_("Your role in the organisation"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    free_amount = forms.DecimalField(
        label=_("Amount you choose (€)"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        localize=True,
        help_text=_("Only for the fees that leave the amount free; leave empty otherwise."),
    )
    consent = forms.BooleanField(label=CONSENT_WORDING)
    # A trap for robots: people never see it (off screen, skipped by keyboard and readers).
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_robot(self) -> bool:
        return bool((self.data.get("homepage") or "").strip())

    def __init__(self, *args, years=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = years if years is not None else MembershipYear.objects.all()
        if not College.objects.exists():
            del self.fields["college"]

    def clean_siret(self):
        siret = normalise_siret(self.cleaned_data.get("siret", ""))
        if siret and not is_valid_siret(siret):
            raise forms.ValidationError(
                _("This SIRET is not valid: check the 14 digits (the last one is a check digit).")
            )
        return siret

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if not (len(postcode) == 5 and postcode.isdigit()):
            raise forms.ValidationError(_("A postcode has 5 digits, e.g. 59000."))
        return postcode

    def clean(self):
        data = super().clean()
        if data.get("commune") and "postcode" in data:
            commune = find_commune(data["commune"], data["postcode"])
            if commune is None:
                self.add_error(
                    "commune",
                    _("We do not know the commune “%(name)s” with this postcode.")
                    % {"name": data["commune"]},
                )
            else:
                data["commune_obj"] = commune
        return data


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (€)"), min_value=0.01, max_digits=9, decimal_places=2, localize=True
    )
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[
            (m.value, m.label)
            for m in (Payment.Method.CHEQUE, Payment.Method.TRANSFER, Payment.Method.CASH)
        ],
    )
    paid_on = forms.DateField(
        label=_("Paid on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("Cheque number, transfer label…"),
    )
    validate = forms.BooleanField(
        label=_("Validate the membership too"), required=False, initial=True
    )


class FeeRuleForm(forms.ModelForm):
    class Meta:
        model = FeeRule
        fields = [
            "label",
            "legal_form",
            "workforce",
            "college",
            "amount",
            "allows_free_amount",
            "order",
        ]
        help_texts = {
            "legal_form": _("Empty: any legal form."),
            "workforce": _("Empty: any size."),
        }
        localized_fields = ["amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].validators.append(MinValueValidator(0))


class CollegeChoiceForm(forms.Form):
    college = forms.ModelChoiceField(
        label=_("College"), queryset=College.objects.all(), required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("HelloAsso export (CSV)"),
        help_text=_("The CSV file HelloAsso gives under “Adhérents” or “Paiements” › Export."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
