"""Every write of the memberships app, in transactions; the business rules live here.

`directory.Organisation.is_member` is a cache of "has a validated membership for today's
year": `validate_membership`, `cancel_membership` and `refresh_member_flags` (run daily by
the task queue, for the lapses at a year change) keep it true.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tisser.core.network import display_name
from tisser.directory.contacts import services as directory_services
from tisser.directory.models import Organisation

from . import queries, webhooks
from .models import College, FeeRule, Membership, MembershipYear, Payment


def ensure_year(year: int) -> MembershipYear:
    """The membership year `year`, created as the calendar year if missing."""
    year = int(year)
    found, _created = MembershipYear.objects.get_or_create(
        year=year,
        defaults={
            "starts_on": datetime.date(year, 1, 1),
            "ends_on": datetime.date(year, 12, 31),
        },
    )
    return found


def ensure_current_year() -> MembershipYear:
    return queries.current_year() or ensure_year(timezone.localdate().year)


def ensure_college(name: str, *, description="", vote_weight=1, order=0) -> College:
    college, _created = College.objects.get_or_create(
        slug=slugify(name)[:120],
        defaults={
            "name": name,
            "description": description,
            "vote_weight": vote_weight,
            "order": order,
        },
    )
    return college


def _money(value, field="amount") -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", ".").replace("€", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter an amount in euros, e.g. 50 or 12.50.")}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    return amount.quantize(Decimal("0.01"))


# --- fee schedule -------------------------------------------------------------------


@transaction.atomic
def save_fee_rule(rule: FeeRule) -> FeeRule:
    """Create or change a line of the fee schedule (validated as a whole)."""
    rule.amount = _money(rule.amount)
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def delete_fee_rule(rule: FeeRule) -> None:
    rule.delete()


@transaction.atomic
def copy_fee_schedule(source: MembershipYear, target: MembershipYear) -> int:
    """Start a year's schedule from another's (only if the target has none yet)."""
    if target.fees.exists():
        return 0
    rules = [
        FeeRule(
            year=target,
            label=r.label,
            legal_form=r.legal_form,
            workforce=r.workforce,
            college=r.college,
            amount=r.amount,
            allows_free_amount=r.allows_free_amount,
            order=r.order,
        )
        for r in source.fees.all()
    ]
    FeeRule.objects.bulk_create(rules)
    return len(rules)


def amount_for(
    year: MembershipYear, org: Organisation, chosen=None
) -> tuple[FeeRule | None, Decimal]:
    """The fee rule that applies and the amount due (a chosen amount where allowed)."""
    rule = queries.fee_for(year, legal_form=org.legal_form, workforce=org.workforce)
    if rule is None:
        return None, _money(chosen) if chosen not in (None, "") else Decimal("0.00")
    if rule.allows_free_amount and chosen not in (None, ""):
        amount = _money(chosen, "free_amount")
        if amount < rule.amount:
            raise ValidationError(
                {
                    "free_amount": _("The minimum for this fee is %(amount)s €.")
                    % {"amount": number_format(rule.amount, 2)}
                }
            )
        return rule, amount
    return rule, rule.amount


# --- memberships --------------------------------------------------------------------


@transaction.atomic
def request_membership(
    org: Organisation,
    year: MembershipYear,
    *,
    college: College | None = None,
    representative=None,
    source: str = Membership.Source.STAFF,
    amount_due=None,
    fee_rule: FeeRule | None = None,
    note: str = "",
) -> tuple[Membership, bool]:
    """The organisation's (non-cancelled) membership for `year`, recorded as pending if new.

    Never two: the partial unique constraint and a row lock make a second request (a
    double submit, a replayed payment notification) return the existing one.
    """
    Organisation.objects.select_for_update().filter(pk=org.pk).first()
    existing = (
        Membership.objects.select_for_update()
        .filter(organisation=org, year=year)
        .exclude(status=Membership.Status.CANCELLED)
        .first()
    )
    if existing:
        fields = []
        if college and existing.college_id is None:
            existing.college = college
            fields.append("college")
        if representative and existing.representative_id is None:
            existing.representative = representative
            fields.append("representative")
        if fields:
            existing.save(update_fields=fields)
        return existing, False
    if amount_due is None:
        fee_rule, amount_due = amount_for(year, org)
    membership = Membership(
        organisation=org,
        year=year,
        college=college,
        representative=representative,
        source=source,
        amount_due=_money(amount_due),
        fee_rule=fee_rule,
        note=note,
    )
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        return (
            Membership.objects.exclude(status=Membership.Status.CANCELLED).get(
                organisation=org, year=year
            ),
            False,
        )
    return membership, True


def _sync_flag(org_id: int) -> None:
    org = Organisation.objects.get(pk=org_id)
    should = queries.is_member(org)
    if org.is_member != should:
        directory_services.set_membership_status(org, should)


@transaction.atomic
def validate_membership(
    membership: Membership, by=None, *, at=None, notify: bool = True
) -> Membership:
    """Staff accept a membership (idempotent); the organisation's member flag follows and
    the representative is told (`notify`), once, after the commit.

    `at`: when it was validated, for memberships recorded after the fact (imports, demo).
    """
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.status == Membership.Status.CANCELLED:
        raise ValidationError(_("A cancelled membership cannot be validated."))
    if locked.status != Membership.Status.VALIDATED:
        locked.status = Membership.Status.VALIDATED
        locked.validated_at = at or timezone.now()
        locked.validated_by = by if getattr(by, "pk", None) else None
        locked.save(update_fields=["status", "validated_at", "validated_by"])
        webhooks.membership_validated(locked)
        if notify:
            _tell_validated(locked)
    _sync_flag(locked.organisation_id)
    membership.refresh_from_db()
    return membership


def validate_many(ids: list[int], by) -> tuple[int, int]:
    """Validate the pending memberships among `ids` (the ticked rows of the list), each in
    its own transaction; (validated, refused) — a cancelled one is refused, an already
    validated one is left as it is."""
    validated = refused = 0
    pending = Membership.objects.filter(pk__in=ids, status=Membership.Status.PENDING)
    for membership in pending:
        try:
            validate_membership(membership, by)
        except ValidationError:
            refused += 1
        else:
            validated += 1
    return validated, refused


def _tell_validated(membership: Membership) -> None:
    from django.conf import settings
    from django.urls import reverse

    from tisser.core.mail import send_templated_mail

    from .reminders import recipient

    org = membership.organisation
    email = recipient(org, membership)
    if not email:
        return
    send_templated_mail(
        to=[email],
        subject=_("Your membership of %(year)s is validated") % {"year": membership.year.year},
        template="memberships/email/validated",
        context={
            "heading": _("Welcome to %(network)s") % {"network": display_name()},
            "lines": [
                _("The membership of %(org)s for %(year)s is validated. Thank you!")
                % {"org": org.name, "year": membership.year.year},
                _(
                    "Your organisation now appears as a member on the map. Its representatives "
                    "can download the membership certificate from their account."
                ),
            ],
            "action_url": settings.SITE_URL + reverse("memberships:mine"),
            "action_label": _("Our memberships"),
        },
    )


@transaction.atomic
def cancel_membership(membership: Membership, by=None, note: str = "") -> Membership:
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    locked.status = Membership.Status.CANCELLED
    if note:
        locked.note = (locked.note + "\n" + note).strip()
    locked.save(update_fields=["status", "note"])
    _sync_flag(locked.organisation_id)
    membership.refresh_from_db()
    return membership


@transaction.atomic
def set_college(membership: Membership, college: College | None) -> Membership:
    membership.college = college
    membership.save(update_fields=["college"])
    return membership


def refresh_member_flags(on=None) -> dict:
    """Make every `Organisation.is_member` match today's memberships (lapses at a year
    change, validations of a year that just started). Returns the counts changed."""
    ensure_current_year()
    should = set(queries.members_in_good_standing(on).values_list("pk", flat=True))
    flagged = set(Organisation.objects.filter(is_member=True).values_list("pk", flat=True))
    added = removed = 0
    for org in Organisation.objects.filter(pk__in=should - flagged):
        directory_services.set_membership_status(org, True)
        added += 1
    for org in Organisation.objects.filter(pk__in=flagged - should):
        directory_services.set_membership_status(org, False)
        removed += 1
    return {"added": added, "removed": removed}


# --- payments -----------------------------------------------------------------------

STAFF_METHODS = (Payment.Method.CHEQUE, Payment.Method.TRANSFER, Payment.Method.CASH)


@transaction.atomic
def record_payment(
    membership: Membership,
    *,
    amount,
    method: str,
    paid_on: datetime.date | None = None,
    reference: str = "",
    external_id: str | None = None,
    by=None,
    validate: bool = False,
) -> tuple[Payment, bool]:
    """Record money received for a membership; the same external id twice is one payment.

    `validate`: a membership fully paid is validated at once (HelloAsso, staff's choice).
    """
    amount = _money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("A payment must be more than 0 €.")})
    if method not in Payment.Method.values:
        raise ValidationError({"method": _("Unknown payment method.")})
    if external_id:
        existing = Payment.objects.filter(external_id=external_id).first()
        if existing:
            return existing, False
    payment = Payment(
        membership=membership,
        amount=amount,
        method=method,
        paid_on=paid_on or timezone.localdate(),
        reference=(reference or "")[:100],
        external_id=external_id or None,
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            payment.save()
            webhooks.payment_event("payment.recorded", payment)
    except IntegrityError:
        return Payment.objects.get(external_id=external_id), False
    if validate and membership.status == Membership.Status.PENDING:
        validate_membership(membership, by)
    return payment, True


@transaction.atomic
def refund_payment(payment: Payment, *, on: datetime.date | None = None, note: str = "") -> bool:
    """Mark a payment refunded (idempotent); a membership left with nothing paid that
    was paid online is cancelled, and the member flag follows. True if it changed."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.refunded_on is not None:
        return False
    locked.refunded_on = on or timezone.localdate()
    locked.save(update_fields=["refunded_on"])
    webhooks.payment_event("payment.refunded", locked)
    membership = locked.membership
    still_paid = membership.payments.filter(refunded_on__isnull=True).exists()
    if not still_paid and membership.status != Membership.Status.CANCELLED:
        cancel_membership(membership, note=note or _("Payment refunded."))
    payment.refresh_from_db()
    return True
