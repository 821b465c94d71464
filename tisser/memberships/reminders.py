"""Renewal reminders: before the year ends, and after a membership lapsed.

- "before_end": from `TISSER_MEMBERSHIP_REMIND_BEFORE_DAYS` days before the current year
  ends, to each organisation validated for it that has not yet asked for the next one;
- "lapsed": from `TISSER_MEMBERSHIP_REMIND_AFTER_DAYS` days into a year, to each
  organisation validated last year and not (even pending) this year.

Each reminder is a `Reminder` row (unique per organisation, year and kind) written in the
same transaction that queues the email: never twice the same reminder, even when the
daily task runs twice or two workers run it at once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tisser.core.mail import send_templated_mail
from tisser.core.network import display_name
from tisser.directory.models import Affiliation, Organisation

from .models import Membership, MembershipYear, Reminder

RENEW_SALT = "memberships.renew"
RENEW_MAX_AGE = 120 * 24 * 3600


def renewal_token(org: Organisation) -> str:
    return signing.TimestampSigner(salt=RENEW_SALT).sign(str(org.pk))


def organisation_from_token(token: str) -> Organisation | None:
    """The organisation a renewal link names (None: forged, or older than 120 days)."""
    try:
        org_id = signing.TimestampSigner(salt=RENEW_SALT).unsign(token, max_age=RENEW_MAX_AGE)
    except signing.BadSignature:
        return None
    return Organisation.objects.filter(pk=org_id).first()


def renewal_url(org: Organisation) -> str:
    return f"{settings.SITE_URL}{reverse('memberships:join')}?renouveler={renewal_token(org)}"


def recipient(org: Organisation, membership: Membership | None) -> str:
    """Who hears about the organisation's membership: its verified representative (the one
    who signed the last membership first), else whoever applied for that membership (an
    unconfirmed applicant, told about their own request), else its public address."""
    representatives = (
        Affiliation.objects.representatives()
        .filter(organisation=org)
        .exclude(person__email="")
        .select_related("person")
        .order_by("pk")
    )
    signer = membership.representative_id if membership else None
    chosen = representatives.filter(person_id=signer).first() if signer else None
    chosen = chosen or representatives.first()
    if chosen:
        return chosen.person.email
    if membership and membership.representative_id and membership.representative.email:
        return membership.representative.email
    return org.email


def _send(org, year: MembershipYear, kind: str, last: Membership | None, context: dict) -> bool:
    email = recipient(org, last)
    if not email:
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(organisation=org, year=year, kind=kind, email=email)
            send_templated_mail(
                to=[email],
                subject=context["subject"],
                template="memberships/email/reminder",
                context={**context, "organisation": org, "action_url": renewal_url(org)},
            )
    except IntegrityError:  # already reminded (another run got there first)
        return False
    return True


def _years(today):
    current = MembershipYear.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
    return current


def send_due_reminders(today: datetime.date | None = None) -> dict:
    """Send every reminder due on `today` (default: today); returns the counts sent."""
    today = today or timezone.localdate()
    sent = {"before_end": 0, "lapsed": 0}
    current = _years(today)
    if current is None:
        return sent
    before = datetime.timedelta(days=settings.TISSER_MEMBERSHIP_REMIND_BEFORE_DAYS)
    after = datetime.timedelta(days=settings.TISSER_MEMBERSHIP_REMIND_AFTER_DAYS)
    validated = Membership.objects.filter(status=Membership.Status.VALIDATED)
    not_cancelled = Membership.objects.exclude(status=Membership.Status.CANCELLED)

    if today >= current.ends_on - before:
        following = not_cancelled.filter(year__starts_on__gt=current.ends_on)
        due = (
            validated.filter(year=current)
            .exclude(organisation_id__in=following.values("organisation_id"))
            .exclude(
                organisation_id__in=Reminder.objects.filter(
                    year=current, kind=Reminder.Kind.BEFORE_END
                ).values("organisation_id")
            )
            .select_related("organisation", "representative")
        )
        ends = date_format(current.ends_on, "DATE_FORMAT")
        for membership in due:
            sent["before_end"] += _send(
                membership.organisation,
                current,
                Reminder.Kind.BEFORE_END,
                membership,
                {
                    "subject": _("Your membership ends on %(date)s: renew it") % {"date": ends},
                    "heading": _("Renew your membership of %(network)s")
                    % {"network": display_name()},
                    "lines": [
                        _("The membership of %(org)s for %(year)s ends on %(date)s.")
                        % {"org": membership.organisation.name, "year": current.year, "date": ends},
                        _(
                            "Renewing keeps your voice at the general assembly, your place "
                            "in the working groups and the member resources."
                        ),
                    ],
                    "action_label": _("I renew my membership"),
                },
            )

    previous = (
        MembershipYear.objects.filter(ends_on__lt=current.starts_on).order_by("-ends_on").first()
    )
    if previous and today >= current.starts_on + after:
        due = (
            validated.filter(year=previous)
            .exclude(
                organisation_id__in=not_cancelled.filter(year=current).values("organisation_id")
            )
            .exclude(
                organisation_id__in=Reminder.objects.filter(
                    year=current, kind=Reminder.Kind.LAPSED
                ).values("organisation_id")
            )
            .select_related("organisation", "representative")
        )
        for membership in due:
            sent["lapsed"] += _send(
                membership.organisation,
                current,
                Reminder.Kind.LAPSED,
                membership,
                {
                    "subject": _("Your membership of %(year)s has not been renewed")
                    % {"year": current.year},
                    "heading": _("We miss you in %(network)s") % {"network": display_name()},
                    "lines": [
                        _(
                            "%(org)s was a member in %(previous)s, but has not renewed for "
                            "%(year)s yet."
                        )
                        % {
                            "org": membership.organisation.name,
                            "previous": previous.year,
                            "year": current.year,
                        },
                        _("Renew in a few minutes online, or answer this email."),
                    ],
                    "action_label": _("I renew my membership"),
                },
            )
    return sent
