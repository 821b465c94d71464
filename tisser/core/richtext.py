"""The rich-text editor of every long text people write: a textarea that the editor
(django-prose-editor's ProseMirror bundle, served from our static files) turns into a
formatting toolbar and a page-like area. Without JavaScript it stays a plain textarea.

The editor offers only what `core.html.sanitize_html` keeps (headings, bold, italic,
lists, links, quotes, images with their alt text); pasting from a word processor goes
through the same schema, and the server sanitises what it receives whatever sent it.
"""

from __future__ import annotations

import json

from django import forms
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .html import has_paragraphs, rich_text_html, text_to_html
from .uploads import max_bytes

# The toolbar's buttons, named in the reader's language (the package names them in English).
MENU_LABELS = {
    "heading2": _("Heading"),
    "heading3": _("Subheading"),
    "heading4": _("Minor heading"),
    "paragraph": _("Paragraph"),
    "bulletList": _("Bulleted list"),
    "orderedList": _("Numbered list"),
    "blockquote": _("Quote"),
    "bold": _("Bold"),
    "italic": _("Italic"),
    "link": _("Insert a link"),
    "unlink": _("Remove the link"),
    "history:undo": _("Undo"),
    "history:redo": _("Redo"),
}


class RichTextarea(forms.Textarea):
    """A textarea marked for the editor; `uploads=True` adds "insert an image" (the
    upload endpoint checks the user's right again)."""

    template_name = "core/widgets/richtext.html"

    def __init__(self, attrs=None, *, uploads: bool = True):
        super().__init__({"rows": 8, **(attrs or {})})
        self.uploads = uploads

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        config = {"headings": [2, 3, 4]}
        if self.uploads:
            config["upload"] = reverse("core:upload_image")
        context["widget"]["attrs"]["data-rich-text"] = json.dumps(config)
        context["widget"]["menu_labels"] = json.dumps({k: str(v) for k, v in MENU_LABELS.items()})
        context["widget"]["max_size"] = filesizeformat(max_bytes())
        return context

    def format_value(self, value):
        """An older record typed as plain text opens as paragraphs, not one run of text."""
        value = super().format_value(value)
        return text_to_html(value) if value and not has_paragraphs(value) else value

    def use_required_attribute(self, initial):
        # The textarea is hidden behind the editor: the browser could not point at it.
        return False


class RichTextField(forms.CharField):
    """A long text written with the editor: stored as sanitised HTML. Text typed without
    the editor (no script) is made into paragraphs."""

    widget = RichTextarea

    def __init__(self, *, uploads: bool = True, **kwargs):
        # A model's TextField offers a plain Textarea: the editor replaces it.
        if not isinstance(kwargs.get("widget"), RichTextarea):
            kwargs["widget"] = RichTextarea(uploads=uploads)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return rich_text_html(value) if value else value
