"""Reads behind the staff pages: the filtered list of memberships, exports, statistics."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core.text import fold
from tisser.directory.filters import territory_q
from tisser.directory.models import Organisation

from .models import College, Membership, MembershipYear, Payment, RefusedNotification


def _prefixed(q: Q, prefix: str) -> Q:
    """`territory_q` speaks of an organisation: make it speak of a membership's."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    out.children = [
        (f"{prefix}{child[0]}", child[1]) if isinstance(child, tuple) else _prefixed(child, prefix)
        for child in q.children
    ]
    return out


def memberships(params: Mapping) -> QuerySet[Membership]:
    """Filters: `year` (e.g. 2026), `college` (slug, or "none"), `status`, `territory`
    (dep-59, reg-32, epci-…, INSEE code), `q` (organisation name), `source`, `payment`
    ("due": not fully paid yet)."""
    qs = Membership.objects.select_related(
        "organisation", "organisation__commune", "year", "college", "representative"
    )
    if (year := (params.get("year") or "").strip()).isdigit():
        qs = qs.filter(year__year=int(year))
    college = (params.get("college") or "").strip()
    if college == "none":
        qs = qs.filter(college__isnull=True)
    elif college:
        qs = qs.filter(college__slug=college)
    if (status := params.get("status") or "") in Membership.Status.values:
        qs = qs.filter(status=status)
    if (source := params.get("source") or "") in Membership.Source.values:
        qs = qs.filter(source=source)
    if territory := (params.get("territory") or "").strip():
        qs = qs.filter(_prefixed(territory_q(territory), "organisation__"))
    if text := fold(params.get("q") or ""):
        qs = qs.filter(
            Q(organisation__search_text__contains=text)
            | Q(organisation__name__icontains=params.get("q", "").strip())
        )
    # A subquery, not a GROUP BY: the paginator's count then skips it, and only the rows
    # of the page compute their sum.
    paid = (
        Payment.objects.filter(membership=OuterRef("pk"), refunded_on__isnull=True)
        .order_by()
        .values("membership")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    qs = qs.annotate(paid=Subquery(paid))
    if params.get("payment") == "due":
        qs = awaiting_payment(qs)
    return qs.order_by("-year__year", "organisation__name", "pk")


def awaiting_payment(qs: QuerySet[Membership]) -> QuerySet[Membership]:
    """Memberships (annotated with `paid`) not cancelled whose payments do not yet reach
    the amount due: the payments staff still have to record."""
    return qs.exclude(status=Membership.Status.CANCELLED).filter(
        Q(amount_due__gt=0) & (Q(paid__isnull=True) | Q(paid__lt=F("amount_due")))
    )


def export_rows(qs) -> tuple[list[str], object]:
    headers = [
        "id",
        "annee",
        "organisation",
        "siret",
        "commune",
        "code_insee",
        "college",
        "statut",
        "origine",
        "montant_du",
        "montant_paye",
        "representant",
        "email_representant",
        "valide_le",
        "cree_le",
    ]

    def rows():
        for m in qs.iterator(chunk_size=500):
            org = m.organisation
            yield [
                m.pk,
                m.year.year,
                org.name,
                org.siret,
                org.commune.name if org.commune_id else "",
                org.commune_id or "",
                m.college.name if m.college_id else "",
                m.status,
                m.source,
                m.amount_due,
                m.paid or Decimal("0"),
                str(m.representative) if m.representative_id else "",
                m.representative.email if m.representative_id else "",
                m.validated_at.strftime("%Y-%m-%d") if m.validated_at else "",
                m.created_at.strftime("%Y-%m-%d"),
            ]

    return headers, rows()


def payments(params: Mapping) -> QuerySet[Payment]:
    """Every recorded payment of a membership. Filters: `year` (of the membership),
    `method`, `q` (organisation name), `refunded` ("1": refunded only, "0": kept only)."""
    qs = Payment.objects.select_related(
        "membership__organisation", "membership__year", "recorded_by"
    )
    if (year := (params.get("year") or "").strip()).isdigit():
        qs = qs.filter(membership__year__year=int(year))
    if (method := params.get("method") or "") in Payment.Method.values:
        qs = qs.filter(method=method)
    refunded = params.get("refunded") or ""
    if refunded == "1":
        qs = qs.filter(refunded_on__isnull=False)
    elif refunded == "0":
        qs = qs.filter(refunded_on__isnull=True)
    if text := (params.get("q") or "").strip():
        qs = qs.filter(
            Q(membership__organisation__search_text__contains=fold(text))
            | Q(membership__organisation__name__icontains=text)
            | Q(reference__icontains=text)
        )
    return qs.order_by("-paid_on", "-pk")


def payment_export_rows(qs) -> tuple[list[str], object]:
    headers = [
        "id",
        "date",
        "organisation",
        "annee",
        "montant",
        "moyen",
        "reference",
        "rembourse_le",
        "enregistre_par",
    ]

    def rows():
        for p in qs.iterator(chunk_size=500):
            yield [
                p.pk,
                p.paid_on.isoformat(),
                p.membership.organisation.name,
                p.membership.year.year,
                p.amount,
                p.method,
                p.reference or p.external_id or "",
                p.refunded_on.isoformat() if p.refunded_on else "",
                str(p.recorded_by) if p.recorded_by_id else "",
            ]

    return headers, rows()


def statistics() -> dict:
    """Members per year, per college and per département, renewals and retention."""
    validated = Membership.objects.filter(status=Membership.Status.VALIDATED)
    years = list(MembershipYear.objects.order_by("year"))
    members_by_year = {
        row["year_id"]: row["n"]
        for row in validated.values("year_id").annotate(n=Count("organisation", distinct=True))
    }
    sets = {
        y.pk: set(validated.filter(year=y).values_list("organisation_id", flat=True)) for y in years
    }
    per_year = []
    previous = None
    for year in years:
        members = sets[year.pk]
        row = {
            "year": year.year,
            "members": members_by_year.get(year.pk, 0),
            "pending": Membership.objects.filter(year=year, status="pending").count(),
            "amount": validated.filter(year=year, payments__refunded_on__isnull=True).aggregate(
                s=Sum("payments__amount")
            )["s"]
            or Decimal("0"),
            "renewed": None,
            "new": None,
            "retention": None,
        }
        if previous is not None and year.starts_on <= timezone.localdate():
            before = sets[previous.pk]
            row["renewed"] = len(members & before)
            row["new"] = len(members - before)
            row["retention"] = round(100 * len(members & before) / len(before)) if before else None
        per_year.append(row)
        previous = year
    latest = years[-1] if years else None
    current = next((y for y in reversed(years) if members_by_year.get(y.pk)), latest)
    by_college, by_territory = [], []
    if current is not None:
        in_year = validated.filter(year=current)
        counts = dict(
            in_year.values_list("college_id").annotate(n=Count("pk")).values_list("college_id", "n")
        )
        by_college = [
            {"label": c.name, "count": counts.get(c.pk, 0), "weight": c.vote_weight}
            for c in College.objects.all()
        ]
        if counts.get(None):
            by_college.append({"label": _("No college"), "count": counts[None], "weight": 1})
        by_territory = [
            {
                "label": row["organisation__commune__departement__name"] or _("Unknown"),
                "code": row["organisation__commune__departement_id"] or "",
                "count": row["n"],
            }
            for row in in_year.values(
                "organisation__commune__departement_id", "organisation__commune__departement__name"
            )
            .annotate(n=Count("pk"))
            .order_by("-n")
        ]
    top = max([r["members"] for r in per_year] or [0]) or 1
    for row in per_year:
        row["pct"] = round(100 * row["members"] / top)
        row["label"], row["count"] = str(row["year"]), row["members"]
    for rows in (by_college, by_territory):
        top_count = max([r["count"] for r in rows] or [0]) or 1
        for row in rows:
            row["pct"] = round(100 * row["count"] / top_count)
    return {
        "per_year": per_year,
        "year": current,
        "by_college": by_college,
        "by_territory": by_territory,
        "max_members": max([r["members"] for r in per_year] or [0]),
        "flagged_members": Organisation.objects.filter(is_member=True).count(),
    }


def refused_notifications(limit: int = 20):
    """The latest notifications HelloAsso signed but Tisser could not use."""
    return RefusedNotification.objects.all()[:limit]
