"""Every write of the observatory: indicators and their values, supplier profiles,
shortlists. Business rules live here; views and tasks call these."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tisser.core.params import BIGINT_MAX
from tisser.directory.models import LegalForm, Organisation

from .models import (
    Indicator,
    IndicatorValue,
    Shortlist,
    SupplierProfile,
)

logger = logging.getLogger(__name__)

BATCH = 2000
INDICATOR_FIELDS = ("name", "theme", "unit", "source", "licence", "description", "decimals")


# --- indicators ----------------------------------------------------------------------


def _unique_slug(name: str, exclude_pk=None) -> str:
    base = slugify(name)[:100] or "indicateur"
    slug, n = base, 2
    while Indicator.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def save_indicator(data: dict, indicator: Indicator | None = None) -> Indicator:
    """Create or change an indicator's description (name, theme, unit, source, licence…)."""
    indicator = indicator or Indicator()
    for field in INDICATOR_FIELDS + ("is_demo", "is_published", "slug"):
        if field in data:
            setattr(indicator, field, data[field])
    if not (indicator.name or "").strip():
        raise ValidationError({"name": [_("The name is required.")]})
    if not indicator.slug:
        indicator.slug = _unique_slug(indicator.name, indicator.pk)
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def set_values(indicator: Indicator, level: str, values: dict[tuple[str, int], float]) -> int:
    """Replace the values of `indicator` at `level` for the given (code, year) keys."""
    years = {year for _code, year in values}
    for year in years:
        codes = [code for code, y in values if y == year]
        for start in range(0, len(codes), 900):
            IndicatorValue.objects.filter(
                indicator=indicator, level=level, year=year, code__in=codes[start : start + 900]
            ).delete()
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(indicator=indicator, level=level, code=code, year=year, value=value)
            for (code, year), value in values.items()
        ],
        batch_size=BATCH,
    )
    Indicator.objects.filter(pk=indicator.pk).update(updated_at=timezone.now())
    return len(values)


# --- supplier profiles ---------------------------------------------------------------

PROFILE_FIELDS = ("naf_code", "is_siae", "is_ea", "is_esat", "is_esus", "is_ess", "offer")
STATUS_OF_LEGAL_FORM = {
    LegalForm.SIAE: "is_siae",
    LegalForm.EA: "is_ea",
    LegalForm.ESAT: "is_esat",
    LegalForm.ESUS: "is_esus",
}


def normalise_naf(code: str) -> str:
    """ "3811z", "38.11 Z", "38.11Z" → "38.11Z"; "" when it is not a NAF rev. 2 code."""
    text = (code or "").upper().replace(" ", "").replace(".", "")
    if len(text) == 5 and text[:4].isdigit() and text[4].isalpha():
        return f"{text[:2]}.{text[2:4]}{text[4]}"
    return ""


@transaction.atomic
def set_supplier_profile(org: Organisation, data: dict) -> SupplierProfile:
    """Create or update the supplier profile of `org`; a status implied by the legal form
    (SIAE, EA, ESAT, ESUS) is always set."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not a supplier profile field: {sorted(unknown)}")
    profile, _created = SupplierProfile.objects.select_for_update().get_or_create(organisation=org)
    if "naf_code" in data:
        naf = normalise_naf(data["naf_code"])
        if data["naf_code"] and not naf:
            raise ValidationError(
                {"naf_code": [_("A NAF code looks like 38.11Z (four digits and a letter).")]}
            )
        profile.naf_code = naf
    for field in PROFILE_FIELDS[1:]:
        if field in data:
            setattr(profile, field, data[field])
    if implied := STATUS_OF_LEGAL_FORM.get(org.legal_form):
        setattr(profile, implied, True)
    profile.save()
    return profile


# --- shortlists ----------------------------------------------------------------------


@transaction.atomic
def create_shortlist(name: str, organisation_ids, *, owner=None, query: str = "") -> Shortlist:
    """Save a buyer's selection: published organisations only, at least one."""
    name = (name or "").strip()[:200]
    ids = {int(i) for i in organisation_ids if str(i).isdigit() and int(i) <= BIGINT_MAX}
    organisations = list(
        Organisation.objects.filter(pk__in=ids, status=Organisation.Status.PUBLISHED)
    )
    errors = {}
    if not name:
        errors["name"] = [_("Give the shortlist a name.")]
    if not organisations:
        errors["organisations"] = [_("Tick at least one supplier.")]
    if errors:
        raise ValidationError(errors)
    owner = owner if getattr(owner, "is_authenticated", False) else None
    shortlist = Shortlist.objects.create(name=name, owner=owner, query=query[:1000])
    shortlist.organisations.set(organisations)
    return shortlist


@transaction.atomic
def invite_shortlist(shortlist: Shortlist, event, *, sender, message: str = ""):
    """Email each supplier of `shortlist` (its public address) an invitation to `event`,
    an upcoming published event of the agenda; sent by the task queue after commit."""
    from django.utils import formats

    from tisser.core.mail import send_templated_mail

    from .events_link import events_to_invite_to
    from .models import ShortlistInvitation

    pk = str(getattr(event, "pk", event) or "")
    chosen = events_to_invite_to().filter(pk=pk).first() if pk.isdigit() else None
    if chosen is None:
        raise ValidationError({"event": [_("Choose a published event still to come.")]})
    addresses = sorted(
        {
            org.email.strip().lower()
            for org in shortlist.organisations.filter(status=Organisation.Status.PUBLISHED)
            if org.email
        }
    )
    if not addresses:
        raise ValidationError(_("None of these suppliers has a public email address."))
    from django.conf import settings

    url = settings.SITE_URL.rstrip("/") + chosen.get_absolute_url()
    place = chosen.commune.name if chosen.commune_id else ""
    for address in addresses:  # one message each: suppliers never see one another
        send_templated_mail(
            to=[address],
            subject=_("Invitation: %(title)s") % {"title": chosen.title},
            template="observatory/emails/invitation",
            context={
                "title": chosen.title,
                "when": formats.date_format(chosen.start, "DATETIME_FORMAT")
                if chosen.start
                else "",
                "place": place,
                "url": url,
                "message": (message or "").strip()[:2000],
            },
            reply_to=[sender.email] if getattr(sender, "email", "") else None,
        )
    return ShortlistInvitation.objects.create(
        shortlist=shortlist, event=chosen, sent_by=sender, recipients=len(addresses)
    )
