"""One way to send an email from Tisser: templates rendered in the recipient's language,
sent by the task queue once the current transaction has committed.

Rendering happens here, in the request (or service) that decides to send, so the worker
needs no request, no user and no translation state: it receives finished text.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation

#: Line breaks and runs of ordinary spaces; not the non-breaking spaces of French
#: typography (« : » needs its U+00A0, which `str.split()` would also take as a break).
_BREAKS = re.compile(r"[ \t\r\n\f\v]+")


def one_line(text: str) -> str:
    """A subject on one line (a header cannot hold a line break), its non-breaking
    spaces kept."""
    return _BREAKS.sub(" ", text).strip(" ")


def render_plain(name: str, context: dict) -> str:
    """Plain text is not HTML: render it without auto-escaping ("&" stays "&")."""
    template = get_template(name)
    engine_template = getattr(template, "template", None)
    if engine_template is None:  # another template engine: it decides about escaping
        return template.render(context)
    return engine_template.render(Context(context, autoescape=False))


def render_templated_mail(
    *, subject: str, template: str, context: dict | None = None, language: str | None = None
) -> dict:
    """Render the subject, the text part and the optional HTML part in `language`."""
    from .network import contract, display_name

    language = language or settings.LANGUAGE_CODE
    context = {
        "NETWORK_NAME": display_name(language),
        "NETWORK_TITLE": settings.NETWORK_NAME,
        "SITE_URL": settings.SITE_URL,
        **(context or {}),
    }
    with translation.override(language):
        context["subject"] = contract(one_line(str(subject)))
        text = contract(render_plain(f"{template}.txt", context))
        try:
            html_template = get_template(f"{template}.html")
        except TemplateDoesNotExist:
            html = None
        else:
            html = contract(html_template.render(context))
    return {"subject": context["subject"], "body": text, "html": html}


def send_templated_mail(
    *,
    to: list[str],
    subject: str,
    template: str,
    context: dict | None = None,
    language: str | None = None,
    reply_to: list[str] | None = None,
) -> None:
    """Render <template>.txt (and <template>.html if it exists) in `language`, and queue the
    send through the task queue after the current transaction commits.

    Nothing is sent if the transaction rolls back, so a failed save never emails anyone.
    """
    from tisser.core.tasks import send_email

    recipients = [address for address in to if address]
    if not recipients:
        return
    rendered = render_templated_mail(
        subject=subject, template=template, context=context, language=language
    )
    payload = {
        "to": recipients,
        "subject": rendered["subject"],
        "body": rendered["body"],
        "html": rendered["html"],
        "reply_to": list(reply_to or []),
    }
    transaction.on_commit(lambda: send_email.delay(**payload))
