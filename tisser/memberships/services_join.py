"""The way in of a new member or a renewal (online form, HelloAsso, imports).

The organisation and its representative are found in the contacts base, or created: one
organisation is one row whichever door it came in by (`directory.services`
de-duplication: SIRET, then normalised name + commune; people by email).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import translation

from tisser.directory.contacts import services as directory_services
from tisser.directory.contacts import services_claims
from tisser.directory.models import Affiliation, Consent, Organisation, OrganisationRevision
from tisser.directory.permissions import represented_organisations

from . import services
from .models import College, Membership, MembershipYear


@dataclass
class Applicant:
    """What a membership request says about the organisation and its representative."""

    name: str
    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    role: str = ""
    siret: str = ""
    legal_form: str = ""
    workforce: str = ""
    address: str = ""
    postcode: str = ""
    commune: object = None  # a Commune, an INSEE code or a commune name

    def organisation_data(self) -> dict:
        data = {"name": self.name.strip()}
        for field in ("siret", "legal_form", "workforce", "address", "postcode"):
            if value := (getattr(self, field) or "").strip():
                data[field] = value
        if self.commune:
            data["commune"] = self.commune
        return data


def _fill_empty(org: Organisation, applicant: Applicant, author) -> Organisation:
    """An existing organisation keeps its data; the applicant only fills what is empty."""
    data = {
        field: value
        for field, value in applicant.organisation_data().items()
        if field != "name" and value and not getattr(org, field, None)
    }
    if "commune" in data and org.commune_id:
        data.pop("commune")
    if data:
        org = directory_services.update_organisation(
            org, data, author=author, source=OrganisationRevision.Source.SYSTEM
        )
    return org


# How each way in claims the link: staff vouch for it, the others only claim it.
CLAIM_SOURCES = {
    Membership.Source.FORM: Affiliation.Source.MEMBERSHIP_FORM,
    Membership.Source.HELLOASSO: Affiliation.Source.PAYMENT,
    Membership.Source.IMPORT: Affiliation.Source.PAYMENT,
}


def _link_applicant(person, org, applicant: Applicant, year, source: str, author):
    """Staff entering a membership vouch for its representative; anyone else only claims
    to represent the organisation (no right until confirmed). A payment naming an archived
    organisation is still recorded (the money came in), without a claim."""
    if source not in CLAIM_SOURCES:
        return directory_services.affiliate(
            person, org, role=applicant.role, is_representative=True, by=author
        )
    if org.status == Organisation.Status.ARCHIVED and source != Membership.Source.FORM:
        return None
    return services_claims.claim(
        person,
        org,
        source=CLAIM_SOURCES[source],
        representative=True,
        role=applicant.role,
        detail=str(year.year),
        email=person.email,
        language=translation.get_language() or "",
    )


@transaction.atomic
def apply_for_membership(
    applicant: Applicant,
    year: MembershipYear,
    *,
    college: College | None = None,
    source: str = Membership.Source.FORM,
    free_amount=None,
    author=None,
    consent_wording: str = "",
    note: str = "",
) -> tuple[Membership, bool]:
    """Find or create the organisation and its representative, record a pending membership.

    Returns (membership, created); a second application for the same year returns the
    first one (a renewal already recorded, a double submit). The applicant only claims to
    represent the organisation (unless staff entered it): an existing organisation's empty
    fields are filled from the request only when staff, or its verified representative
    logged in as `author`, sent it. Raises
    `ClaimError` (a ValidationError) for an archived organisation named in the form.
    """
    # Two applications for one organisation at once (a double click, HelloAsso retrying)
    # must not both create it: applications for a year queue on the year's row.
    MembershipYear.objects.select_for_update().filter(pk=year.pk).first()
    org, created_org = directory_services.find_or_create_organisation(
        applicant.organisation_data(),
        author=author,
        source=OrganisationRevision.Source.SYSTEM,
    )
    person, _created = directory_services.find_or_create_person(
        email=applicant.email,
        first_name=applicant.first_name,
        last_name=applicant.last_name,
        phone=applicant.phone,
    )
    _link_applicant(person, org, applicant, year, source, author)
    if not created_org and (
        source not in CLAIM_SOURCES or represented_organisations(author).filter(pk=org.pk).exists()
    ):
        org = _fill_empty(org, applicant, author)
    if consent_wording:
        directory_services.record_consent(
            person,
            purpose=Consent.Purpose.CONTACT,
            method=Consent.Method.WEB_FORM,
            wording=consent_wording,
            source="memberships:join",
        )
    fee_rule, amount = services.amount_for(year, org, free_amount)
    return services.request_membership(
        org,
        year,
        college=college,
        representative=person,
        source=source,
        amount_due=amount,
        fee_rule=fee_rule,
        note=note,
    )
