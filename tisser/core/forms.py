"""The project's form renderer: Django's, with a field template that puts a single
checkbox before its label on one line (Django puts the label above the box)."""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    field_template_name = "core/forms/field.html"


def posted_data(request) -> tuple:
    """(data, files) for a bound form on POST, even an empty one; (None, None) otherwise."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None
