"""What the composer pulls into a block, as snapshots (plain dicts stored in
`Block.items`): events from the agenda, articles, new members, resources.

Events come from `tisser.events.queries.upcoming_public_events`, new members from
`tisser.memberships.queries.new_members`; both apps sit to the left of publications.
"""

from __future__ import annotations

from django.conf import settings


def _absolute(url: str) -> str:
    if not url:
        return ""
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def upcoming_events(start=None, end=None):
    """Published events from `start` (a newsletter's date; default: now) on."""
    from tisser.events.queries import upcoming_public_events

    return upcoming_public_events(start=start, end=end)


def _sessions(event) -> list[dict]:
    sessions = getattr(event, "sessions_list", None) or []
    out = []
    for session in sessions:
        commune = getattr(session, "place_commune", None)
        out.append(
            {
                "starts_at": session.starts_at.isoformat(),
                "ends_at": session.ends_at.isoformat() if session.ends_at else "",
                "venue": getattr(session, "place_venue", "") or "",
                "town": commune.name if commune is not None else "",
                "is_full": bool(getattr(session, "is_full", False)),
            }
        )
    return out


def event_item(event) -> dict:
    starts = getattr(event, "first_starts_at", None)
    town = getattr(event, "place_label", "") or ""
    venue = getattr(event, "venue_name", "") or ""
    sessions = _sessions(event)
    if not venue and sessions:
        venue = sessions[0]["venue"]
    place = ", ".join(part for part in (venue, town) if part)
    return {
        "source": "event",
        "id": event.pk,
        "title": event.title,
        "url": _absolute(event.get_absolute_url()),
        "starts_at": starts.isoformat() if starts else "",
        "place": place,
        "town": _town(event, town),
        "sessions": sessions,
        "registration_url": _absolute(getattr(event, "registration_url", "") or ""),
        "is_full": bool(getattr(event, "is_full", False)),
    }


def _town(event, place: str) -> str:
    for attr in ("town", "commune_name"):
        value = getattr(event, attr, "")
        if value:
            return str(value)
    commune = getattr(getattr(event, "venue", None), "commune", None) or getattr(
        event, "commune", None
    )
    if commune is not None:
        return str(getattr(commune, "name", commune))
    # "Bazaar St So, Lille" → "Lille"
    return place.rsplit(",", 1)[-1].strip() if place else ""


def event_items(event_ids: list[int], start=None) -> list[dict]:
    events = {e.pk: e for e in upcoming_events(start=start).filter(pk__in=event_ids)}
    return [event_item(events[i]) for i in event_ids if i in events]


def _content_items(model, ids: list[int], source: str, summary: str) -> list[dict]:
    """Blocks' items from articles or resources, in the order picked; gone rows dropped."""
    rows = {row.pk: row for row in model.objects.filter(pk__in=ids)}
    return [
        {
            "source": source,
            "id": row.pk,
            "title": row.title,
            "summary": getattr(row, summary),
            "url": _absolute(row.get_absolute_url()),
        }
        for i in ids
        if (row := rows.get(i))
    ]


def article_items(article_ids: list[int]) -> list[dict]:
    from .models import Article

    return _content_items(Article, article_ids, "article", "summary")


def resource_items(resource_ids: list[int]) -> list[dict]:
    from .models import Resource

    return _content_items(Resource, resource_ids, "resource", "description")


def new_member_items(since) -> list[dict]:
    from django.urls import reverse

    from tisser.memberships.queries import new_members

    items = []
    for org in new_members(since).select_related("commune"):
        url = ""
        if org.status == "published":
            url = _absolute(reverse("directory:organisation", kwargs={"slug": org.slug}))
        items.append(
            {
                "source": "organisation",
                "id": org.pk,
                "name": org.name,
                "town": org.commune.name if org.commune_id else "",
                "url": url,
            }
        )
    return items
