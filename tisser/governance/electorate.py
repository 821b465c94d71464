"""Who may vote, read from the memberships app (the only place governance asks it).

The contract of `tisser.memberships.queries`: `members_in_good_standing(on)` (organisations
with a validated membership that covers the date), `college_of(org, on)` (its college, with
`vote_weight`), `is_member(org, on)`.
"""

from __future__ import annotations

import datetime

from tisser.memberships import queries as membership_queries


def eligible_organisations(on: datetime.date | None = None):
    """Member organisations in good standing on that date (today by default)."""
    return membership_queries.members_in_good_standing(on=on)


def vote_weight(org, on: datetime.date | None = None) -> tuple[int, str]:
    """(votes, college name): one vote unless the organisation's college weighs more."""
    college = membership_queries.college_of(org, on=on)
    if college is None:
        return 1, ""
    weight = getattr(college, "vote_weight", 1) or 1
    return max(int(weight), 1), str(college)


def in_good_standing(org, on: datetime.date | None = None) -> bool:
    return bool(membership_queries.is_member(org, on=on))


def member_since(org) -> datetime.date | None:
    """The start of the organisation's oldest validated membership (seniority tie rule)."""
    from tisser.memberships.models import Membership

    years = (
        Membership.objects.filter(organisation=org, status="validated")
        .select_related("year")
        .order_by("year__starts_on")
    )
    first = years.first()
    return getattr(first.year, "starts_on", None) if first else None
