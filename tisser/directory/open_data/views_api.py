"""The API's page for people (`/api/`): what the directory's open data are and how to read them."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from tisser.core.api import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from tisser.directory.models import Category, Organisation


@require_safe
def index(request):
    return render(
        request,
        "directory/api_index.html",
        {
            "default_page_size": DEFAULT_PAGE_SIZE,
            "max_page_size": MAX_PAGE_SIZE,
            "legal_forms": Organisation._meta.get_field("legal_form").choices,
            "categories": Category.objects.order_by("position", "name"),
        },
    )
