"""Staff and representative forms of the contacts base.

Thin: they read and re-display what was typed; the rules (SIRET, commune, coordinates,
sanitising, de-duplication) live in `services`, whose ValidationErrors are attached back
to the right field by `apply_errors`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tisser.core.richtext import RichTextarea
from tisser.directory.contacts import services
from tisser.directory.models import (
    Category,
    Consent,
    LegalForm,
    Organisation,
    Person,
    WorkforceBand,
)

BLANK = [("", "—")]


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class OrganisationForm(forms.Form):
    """An organisation's fields as staff edit them; `public_only` for representatives."""

    name = forms.CharField(label=_("Name"), max_length=200)
    legal_form = forms.ChoiceField(
        label=_("Legal form"), choices=BLANK + LegalForm.choices, required=False
    )
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        required=False,
        help_text=_("14 digits; spaces are allowed."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    commune = forms.CharField(
        label=_("Commune"),
        max_length=120,
        required=False,
        help_text=_("Name or INSEE code, e.g. “Lille” or “59350”."),
    )
    latitude = forms.CharField(
        label=_("Latitude"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to locate from the address. Typed coordinates are kept."),
    )
    longitude = forms.CharField(label=_("Longitude"), max_length=30, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("Public email"), required=False)
    phone = forms.CharField(label=_("Public phone"), max_length=30, required=False)
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=RichTextarea(),
        help_text=_(
            "Simple formatting is kept (headings, bold, lists, links, images); "
            "scripts and styles are removed."
        ),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("An image (PNG, JPEG, GIF or WebP) of at most 2 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    workforce = forms.ChoiceField(
        label=_("Workforce"), choices=BLANK + WorkforceBand.choices, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Organisation.Status.choices,
        initial=Organisation.Status.PUBLISHED,
    )
    is_member = forms.BooleanField(
        label=_("Member of the network"),
        required=False,
        help_text=_("Normally kept up to date by the memberships module."),
    )

    STAFF_ONLY = ("status", "is_member")

    def __init__(self, *args, instance: Organisation | None = None, public_only=False, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        if public_only:
            for name in self.STAFF_ONLY:
                del self.fields[name]

    @staticmethod
    def initial_from(org: Organisation) -> dict:
        initial = {
            field: getattr(org, field)
            for field in (
                "name",
                "legal_form",
                "siret",
                "address",
                "postcode",
                "website",
                "email",
                "phone",
                "description",
                "workforce",
                "status",
                "is_member",
            )
        }
        initial["commune"] = (
            f"{org.commune.name} ({org.commune.departement_id})" if org.commune_id else ""
        )
        initial["latitude"] = "" if org.latitude is None else org.latitude
        initial["longitude"] = "" if org.longitude is None else org.longitude
        initial["logo"] = org.logo or None
        if org.pk:
            initial["categories"] = list(org.categories.all())
        return initial

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            try:
                services.validate_logo(logo)
            except ValidationError as error:
                raise ValidationError(error.message_dict["logo"]) from None
        return logo

    # Checked here too, so that every error shows at once (the services check them again).
    def clean_siret(self):
        services.clean_field("siret", self.cleaned_data.get("siret", ""))
        return self.cleaned_data.get("siret", "")

    def clean_latitude(self):
        services.clean_field("latitude", self.cleaned_data.get("latitude", ""))
        return self.cleaned_data.get("latitude", "")

    def clean_longitude(self):
        services.clean_field("longitude", self.cleaned_data.get("longitude", ""))
        return self.cleaned_data.get("longitude", "")

    def clean_commune(self):
        text = self.cleaned_data.get("commune", "").strip()
        if not text:
            return None
        commune = services.find_commune(text, self.data.get(self.add_prefix("postcode"), ""))
        if commune is None:
            raise ValidationError(
                _(
                    "Unknown commune “%(value)s”: type its name as written by INSEE, or its "
                    "INSEE code (5 characters)."
                ),
                params={"value": text},
            )
        return commune

    def to_data(self) -> dict:
        """What to hand to the services: every field of the form, the logo only if it changed."""
        data = {}
        for name in self.fields:
            if name == "logo":
                continue
            data[name] = self.cleaned_data.get(name)
        data["categories"] = list(self.cleaned_data.get("categories") or [])
        logo = self.cleaned_data.get("logo")
        if logo is False:  # "clear" ticked
            data["logo"] = ""
        elif isinstance(logo, UploadedFile):
            data["logo"] = logo
        return data


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def to_data(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in PersonForm.base_fields}


class AddPersonForm(PersonForm):
    """Link a contact to an organisation: the contact is found by email, or created."""

    role = forms.CharField(label=_("Role"), max_length=100, required=False)
    is_representative = forms.BooleanField(
        label=_("Representative"),
        required=False,
        help_text=_("May edit the organisation's entry once logged in with this email."),
    )


class AffiliationForm(forms.Form):
    role = forms.CharField(label=_("Role"), max_length=100, required=False)
    is_representative = forms.BooleanField(label=_("Representative"), required=False)


class ConsentForm(forms.Form):
    """No answer is preselected: a consent is recorded only when staff chose what, how and
    the answer, never by sending the form as it opened."""

    purpose = forms.ChoiceField(label=_("What"), choices=BLANK + Consent.Purpose.choices)
    given = forms.TypedChoiceField(
        label=_("Answer"),
        coerce=lambda v: v == "1",
        choices=BLANK + [("1", _("Given")), ("0", _("Withdrawn or refused"))],
    )
    method = forms.ChoiceField(label=_("How"), choices=BLANK + Consent.Method.choices)
    at = forms.DateTimeField(
        label=_("When"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y"],
    )
    wording = forms.CharField(
        label=_("Wording shown"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("e.g. the form, event or document it came from."),
    )


class MergeChoiceForm(forms.Form):
    """Pick the other record: its address in Tisser (slug), its SIRET or its number."""

    other = forms.CharField(
        label=_("Duplicate to merge into this one"),
        max_length=220,
        help_text=_("Its slug (end of its address), its SIRET, or its number."),
    )

    def clean_other(self):
        text = self.cleaned_data["other"].strip().rstrip("/").rsplit("/", 1)[-1]
        org = Organisation.objects.filter(slug=text).first()
        if org is None and text.replace(" ", "").isdigit():
            digits = text.replace(" ", "")
            org = Organisation.objects.filter(siret=digits).first() if len(digits) == 14 else None
            org = org or Organisation.objects.filter(pk=int(digits)).first()
        if org is None:
            raise ValidationError(
                _("No organisation found for “%(value)s”."), params={"value": text}
            )
        return org


class PersonMergeChoiceForm(forms.Form):
    """Pick the other person: their email address or their number."""

    other = forms.CharField(
        label=_("Duplicate to merge into this person"),
        max_length=254,
        help_text=_("Their email address, or their number (end of their page's address)."),
    )

    def clean_other(self):
        text = self.cleaned_data["other"].strip().rstrip("/")
        person = None
        if "@" in text:
            person = Person.objects.filter(email=text.lower()).first()
        else:
            digits = text.rsplit("/", 1)[-1].strip()
            if digits.isdigit() and len(digits) <= 18:
                person = Person.objects.filter(pk=int(digits)).first()
        if person is None:
            raise ValidationError(_("No person found for “%(value)s”."), params={"value": text})
        return person


class ImportForm(forms.Form):
    MAX_BYTES = 10 * 1024 * 1024
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (separated by ; or ,) or XLSX, 10 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 10 MB; split it."))
        if not file.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise ValidationError(_("Send a .csv or .xlsx file."))
        return file


class GoGoCartoImportForm(forms.Form):
    MAX_BYTES = 50 * 1024 * 1024
    file = forms.FileField(
        label=_("File"),
        help_text=_("The map's JSON export (/api/elements.json) or its CSV export, 50 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 50 MB."))
        if not file.name.lower().endswith((".json", ".csv")):
            raise ValidationError(_("Send a .json or .csv file."))
        return file


class CategoryMappingForm(forms.Form):
    """One choice per category of the GoGoCarto map: a Tisser category, or none."""

    def __init__(self, *args, found: dict, initial_map: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— none (left out) —"))] + list(
            Category.objects.order_by("position", "name").values_list("slug", "name")
        )
        self.names = {}
        for index, (name, count) in enumerate(sorted(found.items())):
            key = f"c{index}"
            self.names[key] = name
            self.fields[key] = forms.ChoiceField(
                label=name,
                help_text=ngettext("%(count)s element", "%(count)s elements", count)
                % {"count": count},
                choices=choices,
                required=False,
                initial=initial_map.get(name, ""),
            )

    def mapping(self) -> dict:
        return {name: self.cleaned_data.get(key, "") for key, name in self.names.items()}
