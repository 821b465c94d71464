"""Forms of the governance app (thin: the rules live in the services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.core.richtext import RichTextarea, RichTextField

from .models import AgendaItem, Assembly, AssemblyDocument, Motion
from .models_groups import GroupDocument

ALLOWED_DOCUMENTS = (
    ".pdf",
    ".odt",
    ".ods",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".txt",
    ".png",
    ".jpg",
)
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def check_document(file):
    name = (file.name or "").lower()
    if not name.endswith(ALLOWED_DOCUMENTS):
        raise forms.ValidationError(
            _("This kind of file is not accepted: PDF, office documents, text or images only.")
        )
    if file.size > MAX_DOCUMENT_BYTES:
        raise forms.ValidationError(_("The file is larger than 10 MB."))
    return file


class AssemblyForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"],
    )

    class Meta:
        model = Assembly
        fields = [
            "title",
            "kind",
            "starts_at",
            "place",
            "introduction",
            "quorum_percent",
            "max_proxies",
        ]
        widgets = {"introduction": RichTextarea()}
        field_classes = {"introduction": RichTextField}


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class AssemblyDocumentForm(forms.ModelForm):
    class Meta:
        model = AssemblyDocument
        fields = ["title", "file", "members_only"]

    def clean_file(self):
        return check_document(self.cleaned_data["file"])


class MotionForm(forms.ModelForm):
    class Meta:
        model = Motion
        fields = ["kind", "title", "text", "majority", "seats", "tie_rule", "online"]
        widgets = {"text": RichTextarea()}
        field_classes = {"text": RichTextField}
        help_texts = {
            "majority": _("For resolutions."),
            "seats": _("For elections: the most seats to fill (the statutes say 24)."),
            "tie_rule": _("For elections: how equal votes for the last seat are settled."),
            "online": _("Off: a show of hands in the room, recorded by staff."),
        }


class CandidacyForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    statement = forms.CharField(
        label=_("Statement"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    outgoing = forms.BooleanField(label=_("Outgoing member standing again"), required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class StatementForm(forms.Form):
    statement = forms.CharField(
        label=_("Your statement"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=3000,
        help_text=_("Why your organisation stands for the Collectif (3,000 characters at most)."),
    )


class ProxyForm(forms.Form):
    holder = forms.ModelChoiceField(label=_("Give our vote to"), queryset=None)

    def __init__(self, *args, holders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders
        self.fields["holder"].label_from_instance = lambda v: v.organisation.name


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        help_text=_("The code shown after your vote, e.g. 1A2B-3C4D-5E6F-7A8B."),
    )


class GroupMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))


class GroupDocumentForm(forms.ModelForm):
    class Meta:
        model = GroupDocument
        fields = ["title", "file"]

    def clean_file(self):
        return check_document(self.cleaned_data["file"])
