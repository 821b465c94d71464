"""Staff forms of the observatory (thin: checks that need the database are in services)."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Indicator

MAX_UPLOAD = 20 * 1024 * 1024


def sirene_folder() -> Path:
    """Where staff (or a cron job) put the Sirene stock files the import may read."""
    folder = Path(getattr(settings, "TISSER_SIRENE_DIR", "") or Path(settings.DATA_DIR) / "sirene")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "theme",
            "unit",
            "source",
            "licence",
            "description",
            "decimals",
            "is_published",
        ]


class ValuesFileForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("Columns: code_insee, annee, valeur, and optionally niveau, unite, theme."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB; split it."))
        return upload


def _stock_choices():
    files = sorted(
        p.name for p in sirene_folder().iterdir() if p.suffix.lower() in {".csv", ".zip"}
    )
    return [("", "—")] + [(name, name) for name in files]


class SireneForm(forms.Form):
    units = forms.ChoiceField(label=_("Legal units file (StockUniteLegale)"), required=False)
    establishments = forms.ChoiceField(
        label=_("Establishments file (StockEtablissement)"), required=False
    )
    units_upload = forms.FileField(label=_("or upload the legal units file"), required=False)
    establishments_upload = forms.FileField(
        label=_("or upload the establishments file"), required=False
    )
    territory = forms.CharField(
        label=_("Territory"),
        max_length=20,
        help_text=_("dep-80, reg-32, epci-<SIREN> or a commune's INSEE code."),
    )
    naf = forms.CharField(
        label=_("NAF codes (prefixes, comma-separated; empty = every activity)"),
        max_length=300,
        required=False,
    )
    publish = forms.BooleanField(
        label=_("Publish the new organisations on the map at once"),
        required=False,
        help_text=_("Otherwise they wait as “proposed” for staff to review."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _stock_choices()
        self.fields["units"].choices = choices
        self.fields["establishments"].choices = choices

    def clean(self):
        data = super().clean()
        for name in ("units", "establishments"):
            if not data.get(name) and not data.get(f"{name}_upload"):
                self.add_error(name, _("Choose a file or upload one."))
        return data


class SupplierProfileForm(forms.Form):
    naf_code = forms.CharField(
        label=_("NAF code"), max_length=8, required=False, help_text=_("e.g. 38.32Z")
    )
    is_siae = forms.BooleanField(label=_("SIAE (work integration)"), required=False)
    is_ea = forms.BooleanField(label=_("Adapted company (EA)"), required=False)
    is_esat = forms.BooleanField(label=_("ESAT"), required=False)
    is_esus = forms.BooleanField(label=_("ESUS approval"), required=False)
    offer = forms.CharField(
        label=_("What it offers to buyers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
