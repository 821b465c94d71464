"""Reads of the memberships app, shared by views, other apps (governance, events,
publications) and tasks. Nothing here writes: a missing year is simply `None` here and is
created by `services.ensure_year`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Min, QuerySet
from django.utils import timezone

from tisser.directory.models import Affiliation, Organisation

from .models import College, FeeRule, Membership, MembershipYear


def _day(on) -> datetime.date:
    if on is None:
        return timezone.localdate()
    if isinstance(on, datetime.datetime):
        return timezone.localdate(on) if timezone.is_aware(on) else on.date()
    return on


def year_containing(on=None) -> MembershipYear | None:
    """The membership year containing the day `on` (default today), if it exists."""
    day = _day(on)
    return MembershipYear.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


def current_year() -> MembershipYear | None:
    """Today's membership year (None until `services.ensure_year` created it)."""
    return year_containing(None)


def _validated_on(on) -> QuerySet[Membership]:
    day = _day(on)
    return Membership.objects.filter(
        status=Membership.Status.VALIDATED,
        year__starts_on__lte=day,
        year__ends_on__gte=day,
    )


def members_in_good_standing(on=None) -> QuerySet[Organisation]:
    """Organisations with a validated membership for the year containing `on`."""
    return Organisation.objects.filter(pk__in=_validated_on(on).values("organisation_id")).order_by(
        "name"
    )


def membership_of(organisation, on=None) -> Membership | None:
    """The organisation's membership (pending or validated, not cancelled) for that year."""
    day = _day(on)
    return (
        Membership.objects.filter(
            organisation=organisation, year__starts_on__lte=day, year__ends_on__gte=day
        )
        .exclude(status=Membership.Status.CANCELLED)
        .select_related("year", "college", "representative")
        .first()
    )


def college_of(organisation, on=None) -> College | None:
    """The college of the organisation's validated membership for that year."""
    membership = _validated_on(on).filter(organisation=organisation).select_related("college")
    found = membership.first()
    return found.college if found else None


def is_member(organisation, on=None) -> bool:
    """Whether the organisation is a member in good standing on that day (default today)."""
    org_id = organisation.pk if hasattr(organisation, "pk") else organisation
    return _validated_on(on).filter(organisation_id=org_id).exists()


def vote_weight_of(organisation, on=None) -> int:
    """The organisation's votes at an assembly on that day: its college's weight when it
    is a member in good standing (1 without a college), 0 otherwise."""
    found = _validated_on(on).filter(organisation=organisation).select_related("college").first()
    if found is None:
        return 0
    return found.college.vote_weight if found.college_id else 1


def user_is_member(user, on=None) -> bool:
    """Whether a user verifiably belongs to a member organisation on that day (a claimed
    link counts for nothing): what member-only resources and member prices ask."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    linked = Affiliation.objects.verified().filter(person__user=user).values("organisation_id")
    return _validated_on(on).filter(organisation_id__in=linked).exists()


def new_members(since) -> QuerySet[Organisation]:
    """Organisations whose first ever validated membership was validated on/after `since`."""
    if isinstance(since, datetime.date) and not isinstance(since, datetime.datetime):
        since = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    first = (
        Membership.objects.filter(status=Membership.Status.VALIDATED)
        .values("organisation_id")
        .annotate(first=Min("validated_at"))
        .filter(first__gte=since)
        .values("organisation_id")
    )
    return Organisation.objects.filter(pk__in=first).order_by("name")


def memberships_of(organisation) -> QuerySet[Membership]:
    """All the organisation's memberships, newest year first."""
    return Membership.objects.filter(organisation=organisation).select_related("year", "college")


def fee_rules(year: MembershipYear) -> QuerySet[FeeRule]:
    return FeeRule.objects.filter(year=year).select_related("college")


def fee_for(year: MembershipYear, *, legal_form: str = "", workforce: str = "") -> FeeRule | None:
    """The most specific rule of the year's schedule matching the organisation's kind and
    size (a rule with a blank criterion matches any value)."""
    best, best_score = None, -1
    for rule in fee_rules(year):
        if rule.legal_form and rule.legal_form != legal_form:
            continue
        if rule.workforce and rule.workforce != workforce:
            continue
        score = (2 if rule.legal_form else 0) + (1 if rule.workforce else 0)
        if score > best_score:
            best, best_score = rule, score
    return best


def amount_paid(membership: Membership) -> Decimal:
    return sum((p.amount for p in membership.payments.all() if p.refunded_on is None), Decimal("0"))


def memberships_of_all() -> QuerySet[Membership]:
    return Membership.objects.all()
