"""One way to show a long staff list: sorted, paginated, with its total and the links
that keep the filters. Every staff list (contacts, participants, memberships, payments,
subscribers, deliveries) is built on `Listing`, so they all behave alike."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict

PER_PAGE_CHOICES = (25, 50, 100, 200)
#: At most this many rows may be ticked for one bulk action.
MAX_SELECTED = 1000  # Django refuses more fields anyway (DATA_UPLOAD_MAX_NUMBER_FIELDS)


@dataclass(frozen=True)
class Sort:
    """A column the list may be sorted by: `fields` are `order_by` arguments for the
    ascending order; `descending_first` for dates and counts, where the newest or largest
    is what people look for first."""

    key: str
    label: str
    fields: tuple[str, ...]
    descending_first: bool = False
    then: tuple[str, ...] = ()  # ties broken this way whichever the direction


def _flip(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


class Listing:
    """A sorted page of `queryset` read from the request's `sort`, `page` and `per_page`.

    Unknown or malformed values fall back to the defaults: a hand-edited address never
    gives an error page.
    """

    def __init__(
        self,
        request,
        queryset: QuerySet,
        *,
        sorts: Sequence[Sort],
        default_sort: str,
        per_page: int = 50,
    ):
        self.params: QueryDict = request.GET
        self.sorts = {sort.key: sort for sort in sorts}
        self.default_sort = default_sort
        self.sort_key, self.descending = self._read_sort(self.params.get("sort", ""), default_sort)
        self.per_page = self._read_per_page(self.params.get("per_page", ""), per_page)
        self.default_per_page = per_page
        fields = list(self.sorts[self.sort_key].fields)
        if self.descending:
            fields = [_flip(f) for f in fields]
        fields += list(self.sorts[self.sort_key].then)
        tie = "-pk" if self.descending else "pk"
        if tie not in fields and _flip(tie) not in fields:
            fields.append(tie)  # a stable order: pages never repeat or skip a row
        self.paginator = Paginator(queryset.order_by(*fields), self.per_page)
        self.page: Page = self.paginator.get_page(self.params.get("page"))

    def _read_sort(self, value: str, default: str) -> tuple[str, bool]:
        value = (value or "").strip()
        key = value.lstrip("-")
        if key in self.sorts:
            return key, value.startswith("-")
        return default.lstrip("-"), default.startswith("-")

    @staticmethod
    def _read_per_page(value: str, default: int) -> int:
        value = (value or "").strip()
        return int(value) if value.isdigit() and int(value) in PER_PAGE_CHOICES else default

    # --- what templates read -----------------------------------------------------------
    @property
    def total(self) -> int:
        return self.paginator.count

    @property
    def rows(self):
        return self.page.object_list

    def _query(self, **changes) -> str:
        params = self.params.copy()
        for name, value in changes.items():
            params.pop(name, None)
            if value not in (None, ""):
                params[name] = value
        return params.urlencode()

    @property
    def query(self) -> str:
        """The filters and sort, without the page: what every page link starts with."""
        return self._query(page=None)

    def page_query(self, number: int) -> str:
        return self._query(page=number if number > 1 else None)

    @property
    def sort_value(self) -> str:
        return f"-{self.sort_key}" if self.descending else self.sort_key

    def sort_query(self, key: str) -> str:
        """The address that sorts by `key` (the other way round when already sorted by it)."""
        sort = self.sorts[key]
        descending = not self.descending if key == self.sort_key else sort.descending_first
        return self._query(page=None, sort=f"-{key}" if descending else key)

    def aria_sort(self, key: str) -> str:
        if key != self.sort_key:
            return ""
        return "descending" if self.descending else "ascending"

    @property
    def sort_options(self) -> list[tuple[str, str, bool, bool]]:
        """(value, label, descending, selected) for the phone's sort menu: each column
        both ways (on a phone the column headers are hidden)."""
        options = []
        for sort in self.sorts.values():
            for descending in (sort.descending_first, not sort.descending_first):
                value = f"-{sort.key}" if descending else sort.key
                options.append((value, sort.label, descending, value == self.sort_value))
        return options

    @property
    def hidden_params(self) -> list[tuple[str, str]]:
        """The current filters and sort as (name, value), for forms that must keep them."""
        return [
            (name, value)
            for name, values in self.params.lists()
            if name not in ("page", "id")
            for value in values
        ]

    @property
    def filter_params(self) -> list[tuple[str, str]]:
        """The current filters only (no sort, no page): for the phone's sort form."""
        return [(name, value) for name, value in self.hidden_params if name != "sort"]

    @property
    def first_query(self) -> str:
        return self.page_query(1)

    @property
    def previous_query(self) -> str:
        return self.page_query(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_query(self) -> str:
        return self.page_query(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def last_query(self) -> str:
        return self.page_query(self.paginator.num_pages)

    @property
    def per_page_links(self) -> list[tuple[int, str, bool]]:
        """(rows per page, address, current) for the pager's choice."""
        return [
            (
                n,
                self._query(page=None, per_page=n if n != self.default_per_page else None),
                n == self.per_page,
            )
            for n in PER_PAGE_CHOICES
        ]

    @property
    def first_row(self) -> int:
        return self.page.start_index()

    @property
    def last_row(self) -> int:
        return self.page.end_index()


def is_filtered(params: Mapping) -> bool:
    """Whether a list is narrowed by a filter (sorting and paging do not count): the
    empty state then says "nothing matches" rather than "nothing yet"."""
    return any(value for name, value in params.items() if name not in ("sort", "page", "per_page"))


def keep_selected(queryset: QuerySet, data: Mapping, name: str = "id") -> QuerySet:
    """The rows ticked in a bulk form (`id` values), or all of `queryset` when none is:
    an export of "the ticked rows" and of "this list" are the same view."""
    ids = selected_ids(data, name)
    return queryset.filter(pk__in=ids) if ids else queryset


def selected_ids(data: Mapping, name: str = "id") -> list[int]:
    """The ticked rows' ids from a bulk form; anything that is not a plain id is ignored."""
    values: Iterable[str] = data.getlist(name) if hasattr(data, "getlist") else []
    ids = []
    for value in values:
        value = (value or "").strip()
        if value.isdigit() and len(value) < 19:
            ids.append(int(value))
        if len(ids) >= MAX_SELECTED:
            break
    return list(dict.fromkeys(ids))


#: Past this length a mailto: link is cut by some mail programs; the addresses are still
#: shown to copy.
MAILTO_MAX = 1800


def email_addresses_page(request, emails, *, title: str, back_url: str):
    """The "email" bulk action of every list: the addresses (`emails`, any iterable, empty
    and repeated ones dropped), to copy into one's own mail program, and a link that opens
    it with them in blind copy when they fit in one."""
    from urllib.parse import quote

    from django.shortcuts import render

    addresses = list(dict.fromkeys(e for e in emails if e))
    mailto = "mailto:?bcc=" + quote(",".join(addresses), safe="@,")
    return render(
        request,
        "core/email_addresses.html",
        {
            "title": title,
            "addresses": addresses,
            "mailto": mailto if addresses and len(mailto) <= MAILTO_MAX else "",
            "back_url": back_url,
        },
    )
