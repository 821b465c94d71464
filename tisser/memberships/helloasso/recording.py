"""One HelloAsso payment → one validated membership, however often it is told.

The webhook, the API re-fetch and the CSV import all end here. A payment is known by its
HelloAsso payment id (`Payment.external_id`) and its order id (`Payment.reference`,
"helloasso-order:<id>"): the same payment told twice, by notification then by export, in
any order, records one payment and one membership.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from tisser.directory.models import Organisation

from .. import services
from ..models import Membership, MembershipYear, Payment
from ..services_join import Applicant, apply_for_membership

YEAR_IN_TEXT = re.compile(r"\b(20\d\d)\b")
ORDER_PREFIX = "helloasso-order:"


@dataclass
class HelloAssoPayment:
    """What Tisser needs of a HelloAsso payment, read from JSON or from a CSV row."""

    payment_id: str
    order_id: str
    amount: Decimal
    paid_on: datetime.date
    email: str
    first_name: str = ""
    last_name: str = ""
    organisation: str = ""
    siret: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    form_label: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def external_id(self) -> str:
        return self.payment_id or f"order-{self.order_id}"

    @property
    def reference(self) -> str:
        return f"{ORDER_PREFIX}{self.order_id}" if self.order_id else ""

    def membership_year(self) -> int:
        """The year named by the form or tariff ("Adhésion 2026"), else the payment's."""
        match = YEAR_IN_TEXT.search(self.form_label or "")
        return int(match.group(1)) if match else self.paid_on.year


def already_recorded(payment: HelloAssoPayment) -> Payment | None:
    condition = Q(external_id=payment.external_id)
    if payment.reference:
        condition |= Q(reference=payment.reference, method=Payment.Method.HELLOASSO)
    return Payment.objects.filter(condition).select_related("membership").first()


def _commune(payment: HelloAssoPayment):
    from tisser.directory.validation import find_commune

    return find_commune(payment.city, payment.postcode) if payment.city else None


@transaction.atomic
def record(
    payment: HelloAssoPayment, *, source: str = Membership.Source.HELLOASSO
) -> tuple[Membership, bool]:
    """Record the payment and validate the membership it pays for; (membership, new?).

    `source`: how a new membership came in (the webhook or API: helloasso; a CSV export
    uploaded by staff: import)."""
    year = services.ensure_year(payment.membership_year())
    # Concurrent deliveries of one payment (HelloAsso retries while the first is still
    # being recorded) queue here, on the year's row; the second then finds the first's.
    MembershipYear.objects.select_for_update().filter(pk=year.pk).first()
    found = already_recorded(payment)
    if found:
        return found.membership, False
    full_name = f"{payment.first_name} {payment.last_name}".strip()
    applicant = Applicant(
        name=payment.organisation or full_name or payment.email,
        email=payment.email,
        first_name=payment.first_name,
        last_name=payment.last_name,
        siret=payment.siret,
        address=payment.address,
        postcode=payment.postcode,
        commune=_commune(payment),
    )
    membership, _created = apply_for_membership(applicant, year, source=source)
    if membership.amount_due == 0 and payment.amount:
        Membership.objects.filter(pk=membership.pk).update(amount_due=payment.amount)
    _payment, created = services.record_payment(
        membership,
        amount=payment.amount,
        method=Payment.Method.HELLOASSO,
        paid_on=payment.paid_on,
        reference=payment.reference,
        external_id=payment.external_id,
    )
    services.validate_membership(membership)
    return membership, created


def organisation_for(payment: HelloAssoPayment) -> Organisation | None:
    found = already_recorded(payment)
    return found.membership.organisation if found else None
