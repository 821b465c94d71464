"""The staff home (/gestion/): what needs doing, section by section, from the lines each
app registers in `tisser.core.staff`; and the page that shows every UI component."""

from django.shortcuts import render
from django.utils import timezone

from tisser.core import staff
from tisser.core.components import ComponentsDemoForm

from .decorators import staff_editor_required


@staff_editor_required
def home(request):
    sections = staff.navigation(request)
    cards = staff.home_cards(request, sections)
    waiting = sum(
        1
        for card in cards
        for item in card.items
        if item.count and item.tone in (staff.TODO, staff.ALERT)
    )
    return render(
        request,
        "accounts/staff/home.html",
        {"cards": cards, "waiting": waiting, "today": timezone.localdate()},
    )


#: The icons the pages use, shown on the components page.
COMPONENT_ICONS = [
    "users",
    "calendar-days",
    "id-card",
    "landmark",
    "mail",
    "chart-column",
    "settings",
    "layout-dashboard",
    "plus",
    "download",
    "check",
    "x",
    "search",
    "pencil",
    "trash-2",
    "circle-check",
    "circle-alert",
    "triangle-alert",
    "info",
    "inbox",
    "arrow-up-down",
    "menu",
    "chevron-right",
]


@staff_editor_required
def components(request):
    """Every component of the design system on one page: build the next page from these."""
    return render(
        request,
        "core/components.html",
        {
            "form": ComponentsDemoForm(request.GET or None),
            "today": timezone.localdate(),
            "icons": COMPONENT_ICONS,
        },
    )
