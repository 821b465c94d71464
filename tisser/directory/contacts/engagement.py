"""The directory's own part of the timelines: links and claims, consents, proposals,
imports and changes of fields (registered like any later app's, from `apps.py`)."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tisser.directory.engagement import (
    PERSON_NAME,
    Branch,
    Contributor,
    Entry,
    Fact,
    Row,
    SubqueryCount,
    person_name,
)
from tisser.directory.models import Affiliation, Consent, OrganisationRevision, Person, PersonEvent
from tisser.directory.models_proposals import Proposal

AFFILIATION = {
    "status": "status",
    "source": "source",
    "role": "role",
    "claim_detail": "claim_detail",
    "is_representative": "is_representative",
}


def _affiliation_entry(row: Row, *, about: str) -> Entry:
    """`about` is the other side's name: the organisation on a person's page, and back."""
    affiliation = Affiliation(
        status=row.data["status"],
        source=row.data["source"],
        is_representative=bool(row.data["is_representative"]),
    )
    params = {"name": about}
    if affiliation.status == Affiliation.Status.CLAIMED:
        title, tone = _("Asked to be linked to %(name)s (waiting)") % params, "warning"
    elif affiliation.status == Affiliation.Status.REFUSED:
        title, tone = _("Link to %(name)s refused") % params, "danger"
    elif affiliation.is_representative:
        title, tone = _("Representative of %(name)s") % params, "success"
    else:
        title, tone = _("Linked to %(name)s") % params, "success"
    imported = affiliation.source == Affiliation.Source.IMPORT
    return Entry(
        at=row.at,
        kind="imports" if imported else "claims",
        title=title,
        detail=" · ".join(
            part
            for part in (
                row.data["role"],
                affiliation.get_source_display(),
                row.data["claim_detail"],
            )
            if part
        ),
        url=reverse("directory:staff_affiliation", args=[row.pk]),
        tone=tone,
    )


def _affiliation_branch(affiliations, about: dict, name) -> Branch:
    """Links and claims, and the links an import made (kind "imports"), newest first."""
    imported = Q(source=Affiliation.Source.IMPORT)
    return Branch(
        {"claims": ~imported, "imports": imported},
        affiliations.order_by("-created_at"),
        Coalesce("claimed_at", "created_at"),
        AFFILIATION | about,
        lambda row: _affiliation_entry(row, about=name(row)),
    )


def _proposals_of(person: Person):
    condition = Q(pk__in=[])
    if person.email:
        condition |= Q(proposer_email__iexact=person.email)
    if person.user_id:
        condition |= Q(submitted_by_id=person.user_id)
    return Proposal.objects.filter(condition)


PROPOSAL = {"kind": "kind", "status": "status", "name": "data__name", "org": "organisation__name"}


def _proposal_entry(row: Row) -> Entry:
    proposal = Proposal(kind=row.data["kind"], status=row.data["status"])
    return Entry(
        at=row.at,
        kind="proposals",
        title=_("Proposal: %(kind)s “%(name)s”")
        % {"kind": proposal.get_kind_display(), "name": row.data["name"] or row.data["org"] or ""},
        detail=str(proposal.get_status_display()),
        url=reverse("directory:moderation_detail", args=[row.pk]),
        tone={"accepted": "success", "rejected": "danger"}.get(proposal.status, "info"),
    )


def _consent_entry(row: Row, *, url: str) -> Entry:
    consent = Consent(
        purpose=row.data["purpose"], given=row.data["given"], method=row.data["method"]
    )
    title = (
        _("Consent given: %(purpose)s") if consent.given else _("Consent withdrawn: %(purpose)s")
    ) % {"purpose": consent.get_purpose_display()}
    return Entry(
        at=row.at,
        kind="consents",
        title=title,
        detail=consent.get_method_display(),
        url=url,
        tone="success" if consent.given else "warning",
    )


def _change_entry(row: Row, *, url: str) -> Entry:
    event = PersonEvent(action=row.data["action"], detail=row.json("detail") or {})
    return Entry(
        at=row.at,
        kind="changes",
        title=str(event.get_action_display()),
        detail=_merge_detail(event),
        url=url,
    )


def _revision_entry(row: Row, *, url: str) -> Entry:
    revision = OrganisationRevision(
        source=row.data["source"],
        note=row.data["note"] or "",
        note_code=row.data["note_code"] or "",
        note_params=row.json("note_params") or {},
    )
    fields = [f for f in (row.json("changes") or {}) if f != "merged"]
    kind = "imports" if revision.source == OrganisationRevision.Source.IMPORT else "changes"
    return Entry(
        at=row.at,
        kind=kind,
        title=(
            _("Updated by an import")
            if kind == "imports"
            else _("Changed by: %(source)s") % {"source": revision.get_source_display()}
        ),
        detail=revision.display_note
        or ngettext("%(count)d field", "%(count)d fields", len(fields)) % {"count": len(fields)},
        url=url,
    )


class DirectoryContributor(Contributor):
    kinds = {
        "claims": gettext_lazy("Links and representation claims"),
        "consents": gettext_lazy("Consents"),
        "proposals": gettext_lazy("Map proposals"),
        "imports": gettext_lazy("Imports"),
        "changes": gettext_lazy("Changes of fields"),
    }

    def person_branches(self, person):
        url = reverse("directory:staff_person_detail", args=[person.pk])
        return [
            _affiliation_branch(
                person.affiliations.all(),
                {"about": "organisation__name"},
                lambda row: row.data["about"],
            ),
            Branch(
                "consents",
                person.consents.order_by("-at"),
                "at",
                {"purpose": "purpose", "given": "given", "method": "method"},
                lambda row: _consent_entry(row, url=url + "#consents"),
            ),
            Branch(
                "proposals",
                _proposals_of(person).order_by("-created_at"),
                "created_at",
                PROPOSAL,
                _proposal_entry,
            ),
            Branch(
                "changes",
                person.events.order_by("-at"),
                "at",
                {"action": "action", "detail": "detail"},
                lambda row: _change_entry(row, url=url),
            ),
        ]

    def organisation_branches(self, organisation):
        url = reverse("directory:staff_detail", args=[organisation.pk]) + "#history"
        imported = Q(source=OrganisationRevision.Source.IMPORT)
        data = {
            "source": "source",
            "changes": "changes",
            "note": "note",
            "note_code": "note_code",
            "note_params": "note_params",
        }
        return [
            _affiliation_branch(organisation.affiliations.all(), PERSON_NAME, person_name),
            Branch(
                "proposals",
                organisation.proposals.order_by("-created_at"),
                "created_at",
                PROPOSAL,
                _proposal_entry,
            ),
            Branch(
                {"changes": ~imported, "imports": imported},
                organisation.revisions.order_by("-at", "-id"),
                "at",
                data,
                lambda row: _revision_entry(row, url=url),
            ),
        ]

    def fact_queries(self, *, person=None, organisation=None):
        claims = Affiliation.objects.pending_claims()
        if person is not None:
            claims = claims.filter(person=person)
        else:
            claims = claims.filter(organisation=organisation)
        return {"pending_claims": SubqueryCount(claims.values("pk"))}

    def facts(self, values, *, person=None, organisation=None):
        pending = values["pending_claims"]
        return [
            Fact(
                key="pending_claims",
                label=_("Pending claims"),
                value=str(pending),
                url=reverse("directory:staff_claims") if pending else "",
                order=90,
            )
        ]


def _merge_detail(event: PersonEvent) -> str:
    detail = event.detail or {}
    if event.action == PersonEvent.Action.EDITED:
        labels = []
        for name in detail.get("fields", []):
            try:
                labels.append(str(Person._meta.get_field(name).verbose_name))
            except Exception:
                labels.append(str(name))
        return ", ".join(labels)
    if event.action != PersonEvent.Action.MERGED:
        return ""
    return _("Former record #%(id)s") % {"id": detail.get("merged_id", "?")}
