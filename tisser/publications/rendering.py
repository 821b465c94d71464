"""One source for a newsletter's HTML part, its plain-text part and its web version.

`newsletter_context` turns the blocks into sections and the "Au sommaire" entries (with
anchors); `render_email` renders both parts once per campaign, merge tags left in for
the sending engine to fill per recipient, CSS inlined by css-inline (table layout: the
way mail programs still read HTML).

Once an issue is sent, what it said is kept (`SentIssue`): `email_parts` and
`web_version` read that, and render from the blocks only an issue not sent yet.
"""

from __future__ import annotations

import re

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime

from tisser.core.html import absolute_media_urls
from tisser.core.mail import render_plain

from . import conf, mergetags
from .models import Block, Newsletter, SentIssue
from .textify import html_to_text

_INLINER = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def written_date(value, fmt: str) -> str:
    """A date written out in the active language; French writes the first of the month
    "1er" ("mardi 1er juillet 2025")."""
    text = formats.date_format(value, fmt)
    if value.day == 1 and translation.get_language().startswith("fr"):
        text = re.sub(r"(?<!\d)1 ", "1er ", text, count=1)
    return text


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text) or "section"


def event_phrase(item: dict) -> str:
    """“le 11 juin à Lille” — how the seeds announce an event in the table of contents."""
    from django.utils.translation import gettext as _

    sessions = item.get("sessions") or []
    occurrences = [(s.get("starts_at"), s.get("town")) for s in sessions] or [
        (item.get("starts_at"), item.get("town") or item.get("place") or "")
    ]
    # One phrase per distinct (day, town): "le 16 juin à Lens et le 19 juin à Lille".
    phrases: list[str] = []
    for starts_at, town in occurrences:
        starts = parse_datetime(starts_at or "")
        town = town or item.get("town") or ""
        if starts is None:
            phrase = town
        else:
            day = written_date(timezone.localtime(starts), "j F")
            if town:
                phrase = _("on %(day)s in %(place)s") % {"day": day, "place": town}
            else:
                phrase = _("on %(day)s") % {"day": day}
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    return _(" and ").join(phrases)


def toc_label(block: Block) -> str:
    if block.toc_label:
        return block.toc_label
    if block.kind == Block.Kind.EVENT and block.items:
        return f"{block.items[0]['title']}, {event_phrase(block.items[0])}"
    return block.title


def item_context(item: dict) -> dict:
    def labels(starts_at):
        starts = parse_datetime(starts_at or "")
        if starts is None:
            return "", ""
        starts = timezone.localtime(starts)
        return written_date(starts, "l j F Y"), formats.time_format(starts, "H\\hi")

    date_label, time_label = labels(item.get("starts_at"))
    sessions = []
    for session in item.get("sessions") or []:
        s_date, s_time = labels(session.get("starts_at"))
        place = ", ".join(p for p in (session.get("venue"), session.get("town")) if p)
        sessions.append({**session, "date_label": s_date, "time_label": s_time, "place": place})
    return {**item, "date_label": date_label, "time_label": time_label, "sessions": sessions}


def newsletter_context(newsletter: Newsletter) -> dict:
    """Sections (consecutive blocks sharing a section) and the table of contents."""
    sections: list[dict] = []
    toc: list[dict] = []
    toc_sections: dict[str, dict] = {}
    for block in newsletter.blocks.all():
        entry = {
            "block": block,
            "anchor": block.anchor,
            "body_text": html_to_text(block.body),
            "items": [item_context(i) for i in block.items or []],
        }
        if not sections or sections[-1]["name"] != block.section:
            sections.append(
                {
                    "name": block.section,
                    "anchor": f"section-{_slug(block.section)}" if block.section else "",
                    "blocks": [],
                }
            )
        sections[-1]["blocks"].append(entry)
        if not block.in_toc:
            continue
        label = toc_label(block)
        if block.section:
            parent = toc_sections.get(block.section)
            if parent is None:
                parent = {
                    "label": block.section,
                    "anchor": sections[-1]["anchor"],
                    "children": [],
                }
                toc_sections[block.section] = parent
                toc.append(parent)
            parent["children"].append({"label": label, "anchor": block.anchor, "children": []})
        else:
            toc.append({"label": label, "anchor": block.anchor, "children": []})
    return {
        "newsletter": newsletter,
        "sections": sections,
        "toc": toc,
        "network_name": settings.NETWORK_NAME,
        "network_long_name": conf.network_long_name(),
        "network_address_lines": conf.network_address().splitlines(),
        "footer_note": newsletter.mailing_list.footer_note,
        "SITE_URL": settings.SITE_URL,
        "web_url": settings.SITE_URL + newsletter.get_absolute_url(),
        "tag_email": mergetags.tag("EMAIL", "contact"),
        "tag_unsubscribe": mergetags.tag("UNSUBSCRIBE_URL"),
        "tag_web": mergetags.tag("WEB_URL"),
    }


def render_email(newsletter: Newsletter, *, language: str | None = None, web=False) -> dict:
    """{"subject", "html", "text"}: the parts every recipient shares, merge tags in."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = newsletter_context(newsletter)
        context["web"] = web
        html = render_to_string("publications/newsletter/email.html", context)
        text = render_plain("publications/newsletter/email.txt", context)
    # Images of the texts are this site's uploads: a mail program needs their full address.
    html = absolute_media_urls(_INLINER.inline(html), settings.SITE_URL)
    return {"subject": newsletter.subject, "html": html, "text": text}


def render_web(newsletter: Newsletter) -> str:
    """The web version: the email's HTML with the recipient-specific parts left out."""
    parts = render_email(newsletter, web=True)
    values = {"web_url": settings.SITE_URL + newsletter.get_absolute_url()}
    return mergetags.personalise(mergetags.compile_template(parts["html"]), values, escape=True)


def sent_issue(newsletter: Newsletter) -> SentIssue | None:
    return SentIssue.objects.filter(newsletter_id=newsletter.pk).first()


def email_parts(newsletter: Newsletter) -> dict:
    """What the issue's email says: as it was sent, or as it renders now if not sent."""
    sent = sent_issue(newsletter)
    return sent.parts if sent is not None else render_email(newsletter)


def web_version(newsletter: Newsletter) -> str:
    """The issue's web version: as it was sent, or as it renders now if not sent (or sent
    before versions were kept: then from its blocks, which a sent issue no longer edits)."""
    sent = sent_issue(newsletter)
    return sent.web_html if sent is not None and sent.web_html else render_web(newsletter)
