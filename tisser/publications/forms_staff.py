"""Staff forms: newsletter, block, test send, subscriber import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.core.richtext import RichTextarea, RichTextField

from .models import Article, Block, MailingList, Newsletter, Resource


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = [
            "mailing_list",
            "title",
            "subject",
            "preheader",
            "issue_date",
            "intro",
            "toc_title",
            "closing",
        ]
        widgets = {
            "issue_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closing": forms.Textarea(attrs={"rows": 3}),
        }


class BlockForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events from the agenda"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    articles = forms.ModelMultipleChoiceField(
        label=_("Articles"), queryset=Article.objects.all(), required=False
    )
    resources = forms.ModelMultipleChoiceField(
        label=_("Resources"), queryset=Resource.objects.all(), required=False
    )
    members_since = forms.DateField(
        label=_("New members since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Block
        fields = [
            "kind",
            "section",
            "title",
            "subtitle",
            "body",
            "cta_label",
            "cta_url",
            "in_toc",
            "toc_label",
        ]
        widgets = {"body": RichTextarea()}
        field_classes = {"body": RichTextField}
        help_texts = {"body": ""}

    def __init__(self, *args, event_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = list(event_choices)
        if self.instance.pk and self.instance.items:
            ids = [i.get("id") for i in self.instance.items]
            source = self.instance.items[0].get("source")
            if source == "event":
                self.initial["events"] = [str(i) for i in ids]
            elif source == "article":
                self.initial["articles"] = ids
            elif source == "resource":
                self.initial["resources"] = ids

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if (
            kind in (Block.Kind.EVENT, Block.Kind.AGENDA)
            and not data.get("events")
            and not (self.instance.pk and self.instance.items)
        ):
            self.add_error("events", _("Choose at least one event of the agenda."))
        if kind == Block.Kind.EVENT and len(data.get("events") or []) > 1:
            self.add_error(
                "events", _("An event block shows one event; use “several events” for more.")
            )
        if (
            kind == Block.Kind.MEMBERS
            and not data.get("members_since")
            and not (self.instance.pk and self.instance.items)
        ):
            self.add_error("members_since", _("Say since when members are new."))
        return data


class TestSendForm(forms.Form):
    addresses = forms.CharField(
        label=_("Send a test to"),
        help_text=_("Up to 10 addresses, separated by commas or new lines."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_addresses(self):
        import re

        return [a for a in re.split(r"[\s,;]+", self.cleaned_data["addresses"]) if a]


class ImportForm(forms.Form):
    mailing_list = forms.ModelChoiceField(label=_("List"), queryset=MailingList.objects.all())
    file = forms.FileField(label=_("CSV or XLSX export (Brevo or Mailchimp)"), required=False)


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "rubric", "summary", "body", "author", "image", "image_alt",
                  "link_url", "link_label", "status", "published_at"]  # fmt: skip
        widgets = {
            "published_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "body": RichTextarea(attrs={"rows": 14}),
        }
        field_classes = {"body": RichTextField}
        help_texts = {"body": ""}


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = [
            "title",
            "kind",
            "category",
            "description",
            "file",
            "url",
            "members_only",
            "is_published",
        ]
        widgets = {"description": RichTextarea()}
        field_classes = {"description": RichTextField}


class SuppressionForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    detail = forms.CharField(label=_("Why"), max_length=300, required=False)


class ServiceMessageForm(forms.Form):
    """A service message to a saved segment (plain text: blank lines make paragraphs)."""

    segment = forms.ModelChoiceField(
        label=_("Segment"), queryset=None, empty_label=None, help_text=_("Who receives it.")
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text; a blank line starts a new paragraph."),
    )

    def __init__(self, *args, **kwargs):
        from tisser.directory.contacts.queries_segments import saved_segments

        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = saved_segments()
