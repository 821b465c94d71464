"""Template tags of the design system: icons, sortable column headers, numbers.

{% load tisser_ui %}
{% icon "calendar" %}                      decorative: hidden from screen readers
{% icon "alert-triangle" label=_("Late") %} meaningful: announced with its label
{% sort_th listing "name" %}               a column header that sorts the list
{{ total|number }}                         1 234 in French (thin no-break space)
"""

from __future__ import annotations

from django import template
from django.utils import formats
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from lucide import IconDoesNotExist
from lucide.templatetags.lucide import lucide as lucide_svg

from tisser.core.dates import short_day

register = template.Library()


@register.simple_tag
def icon(name: str, label: str = "", size: int = 20, css_class: str = "") -> str:
    """An icon of the lucide set, inline (no request, nothing to load, fits the CSP).

    Without a label it is decorative (`aria-hidden`); with one it is announced.
    """
    attributes = {"class": f"icon {css_class}".strip(), "focusable": "false"}
    if label:
        attributes.update({"role": "img", "aria-label": str(label)})
    else:
        attributes["aria-hidden"] = "true"
    try:
        svg = str(lucide_svg(str(name), size=size, **attributes))
    except IconDoesNotExist:
        return ""
    if label:
        # A title too, so that sighted mouse users get the same words as a tooltip.
        # (`escape`, not `format_html`: a literal from a template arrives marked safe.)
        svg = svg.replace(">", f"><title>{escape(str(label))}</title>", 1)
    return mark_safe(svg)  # noqa: S308 — built by lucide from its own files; label escaped


@register.simple_tag
def sort_th(listing, key: str, css_class: str = "") -> str:
    """A `<th>` whose link sorts the list by `key`, announcing the current order."""
    sort = listing.sorts[key]
    state = listing.aria_sort(key)
    arrow = {"ascending": "arrow-up", "descending": "arrow-down"}.get(state, "arrow-up-down")
    return format_html(
        '<th scope="col"{}{}><a class="sort" href="?{}">{}{}</a></th>',
        format_html(' class="{}"', css_class) if css_class else "",
        format_html(' aria-sort="{}"', state) if state else "",
        listing.sort_query(key),
        sort.label,
        icon(arrow, size=14),
    )


@register.filter
def number(value) -> str:
    """A count written the way the language writes it: 1 234 in French, 1,234 in English."""
    try:
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    except (TypeError, ValueError):
        return value


@register.filter
def day(value) -> str:
    """A day the way people write it: "ven. 19 juin" in French, "Fri 19 June" in English."""
    return short_day(value)
