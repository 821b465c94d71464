"""Extension points of the staff side: the navigation's sections and links, and the
lines of the staff home (/gestion/).

Core knows no domain: each app declares its own section, links and home lines from its
`AppConfig.ready()`. A line is computed per request by a function of the app, which
returns a `HomeItem` (a count, what it counts, where to act) or None to stay hidden:

    from tisser.accounts.roles import is_staff_editor
    from tisser.core import staff

    staff.register_section("agenda", _("Agenda"), icon="calendar", order=20)
    staff.register_link("agenda", _("Events"), "events:staff_events", allowed=is_staff_editor)
    staff.register_home_item("agenda", "upcoming", queries_staff.home_upcoming, order=10)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

#: What a home line asks of the staff: something to do, something failing, or news.
TODO, ALERT, INFO = "todo", "alert", "info"


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    icon: str
    order: int


@dataclass(frozen=True)
class Link:
    section: str
    label: str
    url_name: str
    allowed: Callable[[object], bool]
    order: int = 100


@dataclass
class HomeRow:
    """A detail under a home line: one event with its fill rate, one assembly…"""

    label: str
    url: str = ""
    meta: str = ""
    percent: int | None = None  # drawn as a bar; `meta` says the same in words
    badge: str = ""
    badge_tone: str = ""  # success, warning, danger, info


@dataclass
class HomeItem:
    """One line of the staff home: `label` already says the count in words (ngettext)."""

    label: str
    count: int
    url: str
    tone: str = TODO
    detail: str = ""
    rows: list[HomeRow] = field(default_factory=list)


@dataclass(frozen=True)
class _Registered:
    section: str
    key: str
    compute: Callable[[object], HomeItem | None]
    order: int


_sections: dict[str, Section] = {}
_links: dict[tuple[str, str], Link] = {}
_items: dict[tuple[str, str], _Registered] = {}


def register_section(key: str, label: str, *, icon: str, order: int) -> None:
    _sections[key] = Section(key, label, icon, order)


def register_link(
    section: str, label: str, url_name: str, *, allowed: Callable, order: int = 100
) -> None:
    """A link of the section's menu, shown to users for whom `allowed(user)` is true."""
    _links[(section, url_name)] = Link(section, label, url_name, allowed, order)


def register_links(section: str, links, *, allowed: Callable) -> None:
    """Several links of a section's menu, in the order given: [(label, url_name), …]."""
    for order, (label, url_name) in enumerate(links):
        register_link(section, label, url_name, allowed=allowed, order=order * 10)


def register_home_item(
    section: str, key: str, compute: Callable[[object], HomeItem | None], *, order: int = 100
) -> None:
    """A line of the section's card on the staff home; `compute(request)` runs per view."""
    _items[(section, key)] = _Registered(section, key, compute, order)


def unregister_home_item(section: str, key: str) -> None:
    _items.pop((section, key), None)


@dataclass
class NavLink:
    label: str
    url: str
    current: bool = False


@dataclass
class NavSection:
    section: Section
    links: list[NavLink]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def navigation(request) -> list[NavSection]:
    """The sections and links this user may see, the current page's link marked (the
    link whose address is the longest start of the current path)."""
    user = getattr(request, "user", None)
    by_section: dict[str, list[NavLink]] = {}
    for link in sorted(_links.values(), key=lambda item: (item.order, str(item.label))):
        if link.section not in _sections or not link.allowed(user):
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        by_section.setdefault(link.section, []).append(NavLink(link.label, url))
    path = getattr(request, "path", "")
    candidates = [nav for links in by_section.values() for nav in links if path.startswith(nav.url)]
    if candidates:
        max(candidates, key=lambda nav: len(nav.url)).current = True
    return [
        NavSection(_sections[key], links)
        for key, links in sorted(by_section.items(), key=lambda kv: _sections[kv[0]].order)
    ]


@dataclass
class HomeCard:
    section: Section
    items: list[HomeItem]
    links: list[NavLink]


def home_cards(request, sections: list[NavSection] | None = None) -> list[HomeCard]:
    """One card per section the user may see, with the lines its apps registered."""
    sections = navigation(request) if sections is None else sections
    cards = []
    for nav in sections:
        registered = sorted(
            (item for item in _items.values() if item.section == nav.section.key),
            key=lambda item: item.order,
        )
        items = [found for item in registered if (found := item.compute(request)) is not None]
        cards.append(HomeCard(nav.section, items, nav.links))
    return cards


#: The end states of an import job; every other state is running or waiting for someone
#: (a checked import waits for a person's confirmation).
IMPORT_FINISHED = ("done", "failed", "cancelled")
#: A failed import is reported this many days, then it is history.
IMPORT_FAILED_DAYS = 7


def imports_item(querysets, url: str) -> HomeItem:
    """The home line of an app's import jobs (models with a `status` ending in "done" or
    "failed", and a `created_at`): running or waiting, and failed this week."""
    import datetime

    from django.utils import timezone
    from django.utils.translation import ngettext

    since = timezone.now() - datetime.timedelta(days=IMPORT_FAILED_DAYS)
    running = sum(qs.exclude(status__in=IMPORT_FINISHED).count() for qs in querysets)
    failed = sum(qs.filter(status="failed", created_at__gte=since).count() for qs in querysets)
    detail = ""
    if failed:
        detail = ngettext(
            "%(count)s failed in the last 7 days", "%(count)s failed in the last 7 days", failed
        ) % {"count": failed}
    return HomeItem(
        label=ngettext("import running or failed", "imports running or failed", running + failed),
        count=running + failed,
        url=url,
        tone=ALERT if failed else INFO,
        detail=detail,
    )
