"""Reads about claims: the staff page of pending claims, and a person's own claims (the
pages that would show a right say "waiting for confirmation" instead)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from tisser.directory.models import Affiliation, Organisation


def pending_claims() -> QuerySet[Affiliation]:
    """Every claim waiting for a decision, oldest first, with whether the organisation has
    a verified representative (who was emailed) or only staff can decide."""
    representatives = Affiliation.objects.representatives().filter(
        organisation_id=OuterRef("organisation_id")
    )
    return (
        Affiliation.objects.pending_claims()
        .select_related("person", "organisation", "organisation__commune")
        .annotate(has_representative=Exists(representatives))
        .order_by("claimed_at", "pk")
    )


def claims_of(user) -> QuerySet[Affiliation]:
    """The user's claims that give no right yet: pending, or refused."""
    if not getattr(user, "is_authenticated", False):
        return Affiliation.objects.none()
    return (
        Affiliation.objects.filter(person__user=user)
        .filter(Q(pk__in=Affiliation.objects.pending_claims()) | Q(status="refused"))
        .exclude(organisation__status=Organisation.Status.ARCHIVED)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def shows_my_organisation(user) -> bool:
    """Whether "My organisation" belongs in the navigation: a verified representative, or a
    pending claim to represent (the page then says it is waiting). One query."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        Affiliation.objects.filter(person__user=user)
        .filter(Q(is_representative=True) | Q(claims_representation=True))
        .exclude(organisation__status=Organisation.Status.ARCHIVED)
        .exists()
    )


def link_of(email: str, org) -> Affiliation | None:
    """The link between the contact with this address and the organisation, if any."""
    email = (email or "").strip().lower()
    if not email or org is None:
        return None
    return (
        Affiliation.objects.filter(person__email=email, organisation=org)
        .select_related("organisation")
        .first()
    )


def link_of_organisation(pk: int, organisation_id: int) -> Affiliation | None:
    return (
        Affiliation.objects.filter(pk=pk, organisation_id=organisation_id)
        .select_related("organisation")
        .annotate(
            has_representative=Exists(
                Affiliation.objects.representatives().filter(organisation_id=organisation_id)
            )
        )
        .first()
    )
