"""`{{ value|rich_text }}`: a long text field shown as safe HTML (sanitised, or plain text
made into paragraphs), whichever way it was written."""

from django import template
from django.utils.safestring import mark_safe

from tisser.core.html import rich_text_html

register = template.Library()


@register.filter
def rich_text(value):
    return mark_safe(rich_text_html(value))  # noqa: S308 - sanitised by nh3 in rich_text_html
