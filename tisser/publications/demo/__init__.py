"""Demo publications (`manage.py load_demo_publications`): the two newsletters of the
seeds as sent issues, at their real dates, with what they announce.

- `content.py`: the rubrics, lists, articles and resources the issues point to (the 2024
  activity report and its "Ode à l'économie solidaire" poster, the communication kit…);
- `june_2025.py`, `may_2026.py`: each issue, block by block, with the table of contents
  it generates and what each entry must say;
- `subscribers.py`: a few hundred readers with their consents, and each issue's send.

An issue is composed from the agenda of the events demo (`tisser.events.demo`: the
seeds' events on their dates) through the composer's own services, then sent at its date:
frozen as it went out, its campaign finished, one delivery per reader of the day.
What the agenda said of each event on that day (places left or "Complet") is what the
seed says, whatever registrations came after. Idempotent: found by slug, made if missing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tisser.directory.models import Organisation

from .. import services, sources
from ..models import Article, MailingList, Newsletter, Resource
from . import june_2025, may_2026
from .content import ensure_content
from .may_2026 import NEWSLETTER, SEED_TOC
from .may_2026 import blocks as infolettre_blocks
from .subscribers import ensure_subscribers, record_sent

ISSUES = (june_2025, may_2026)
PULLED = ("event", "article", "resource", "resources", "members", "members_since", "full")

__all__ = [
    "ISSUES",
    "NEWSLETTER",
    "SEED_TOC",
    "block_data",
    "ensure_content",
    "ensure_events",
    "infolettre_blocks",
    "june_2025",
    "load_demo_publications",
    "may_2026",
]


def ensure_events() -> dict:
    """The seeds' events, by slug, from the events demo (loaded if needed)."""
    from tisser.events.demo import seed_events

    return seed_events()


def block_data(spec: dict, events: dict, *, start) -> dict:
    """A block of an issue's composition as the composer stores it, with what it pulls in
    (the event as the agenda shows it from the issue's date; its "Complet" as it was)."""
    data = {k: v for k, v in spec.items() if k not in PULLED}
    if "event" in spec:
        items = sources.event_items([events[spec["event"]].pk], start=start)
        if "full" in spec:
            for item in items:
                item["is_full"] = spec["full"]
                for session in item["sessions"]:
                    session["is_full"] = session["is_full"] and spec["full"]
        data["items"] = items
    if "article" in spec:
        data["items"] = sources.article_items([Article.objects.get(slug=spec["article"]).pk])
    if "resource" in spec or "resources" in spec:
        slugs = spec.get("resources") or [spec["resource"]]
        ids = {r.slug: r.pk for r in Resource.objects.filter(slug__in=slugs)}
        data["items"] = sources.resource_items([ids[s] for s in slugs if s in ids])
    if "members" in spec:
        wanted = set(
            Organisation.objects.filter(slug__in=spec["members"]).values_list("pk", flat=True)
        )
        data["items"] = [
            item for item in sources.new_member_items(spec["members_since"]) if item["id"] in wanted
        ]
    return data


def compose(issue, events) -> tuple[Newsletter, bool]:
    """The issue, composed block by block (found if it is there)."""
    newsletter = Newsletter.objects.filter(slug=issue.NEWSLETTER["slug"]).first()
    if newsletter is not None:
        return newsletter, False
    data = dict(issue.NEWSLETTER)
    newsletter = services.create_newsletter(
        mailing_list=MailingList.objects.get(slug="infolettre"),
        title=data.pop("title"),
        subject=data.pop("subject"),
        **data,
    )
    for spec in issue.blocks(settings.SITE_URL):
        services.add_block(newsletter, block_data(spec, events, start=newsletter.issue_date))
    return newsletter, True


def sent_at(issue) -> dt.datetime:
    day, hour, minute = issue.SENT_AT
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@transaction.atomic
def ensure_segments() -> int:
    """The segments staff of the demo saved: the Fresque's registrants not checked in (to
    tell them of a change of room), and last year's participants who have not renewed."""
    from django.utils import timezone

    from tisser.directory.contacts.services_segments import save_segment
    from tisser.directory.models import Segment
    from tisser.events.models import Event

    year = timezone.localdate().year
    fresque = Event.objects.filter(slug="fresque-du-handicap-en-emploi").first()
    wanted = {
        "Participant·e·s de l’an dernier non adhérent·e·s cette année": {
            "and": [
                {"condition": "attended", "params": {"year": year - 1}},
                {"not": {"condition": "member", "params": {"year": year}}},
            ]
        },
    }
    if fresque is not None:
        wanted["Inscrit·e·s à la Fresque non pointé·e·s"] = {
            "and": [
                {"condition": "registered", "params": {"event": fresque.pk}},
                {"not": {"condition": "attended", "params": {"event": fresque.pk}}},
            ]
        }
    created = 0
    for name, conditions in wanted.items():
        if not Segment.objects.filter(name=name).exists():
            save_segment(name, conditions)
            created += 1
    return created


def load_demo_publications() -> dict:
    """Load everything; returns what was created (a second run creates nothing)."""
    events = ensure_events()
    made = ensure_content()
    subscribers = ensure_subscribers()
    ensure_segments()
    newsletters = []
    created = 0
    for issue in ISSUES:
        newsletter, new = compose(issue, events)
        record_sent(newsletter, sent_at(issue))
        newsletters.append(newsletter)
        created += new
    return {
        "newsletters": newsletters,
        "newsletter": newsletters[-1],
        "created_newsletters": created,
        "articles": made["articles"],
        "resources": made["resources"],
        "subscribers": subscribers,
        "events": len(events),
    }
