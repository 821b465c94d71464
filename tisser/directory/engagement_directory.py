"""The directory's own part of the timelines: links and claims, consents, proposals,
imports and changes of fields (registered like any later app's, from `apps.py`)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .engagement import Contributor, Entry, Fact
from .models import Affiliation, OrganisationRevision, Person, PersonEvent
from .models_proposals import Proposal


def _affiliation_entry(affiliation: Affiliation, *, about: str) -> Entry:
    """`about` is the other side's name: the organisation on a person's page, and back."""
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
        at=affiliation.claimed_at or affiliation.created_at,
        kind="imports" if imported else "claims",
        title=title,
        detail=" · ".join(
            part
            for part in (
                affiliation.role,
                affiliation.get_source_display(),
                affiliation.claim_detail,
            )
            if part
        ),
        url=reverse("directory:staff_affiliation", args=[affiliation.pk]),
        tone=tone,
    )


def _proposals_of(person: Person):
    condition = Q(pk__in=[])
    if person.email:
        condition |= Q(proposer_email__iexact=person.email)
    if person.user_id:
        condition |= Q(submitted_by_id=person.user_id)
    return Proposal.objects.filter(condition)


def _proposal_entry(proposal: Proposal) -> Entry:
    return Entry(
        at=proposal.created_at,
        kind="proposals",
        title=_("Proposal: %(kind)s “%(name)s”")
        % {"kind": proposal.get_kind_display(), "name": proposal.display_name},
        detail=str(proposal.get_status_display()),
        url=reverse("directory:moderation_detail", args=[proposal.pk]),
        tone={"accepted": "success", "rejected": "danger"}.get(proposal.status, "info"),
    )


class DirectoryContributor(Contributor):
    kinds = {
        "claims": gettext_lazy("Links and representation claims"),
        "consents": gettext_lazy("Consents"),
        "proposals": gettext_lazy("Map proposals"),
        "imports": gettext_lazy("Imports"),
        "changes": gettext_lazy("Changes of fields"),
    }

    def person_entries(self, person, *, kinds, limit):
        entries: list[Entry] = []
        if kinds & {"claims", "imports"}:
            rows = person.affiliations.select_related("organisation").order_by("-created_at")
            entries += [_affiliation_entry(a, about=a.organisation.name) for a in rows[:limit]]
        if "consents" in kinds:
            url = reverse("directory:staff_person_detail", args=[person.pk]) + "#consents"
            for consent in person.consents.order_by("-at")[:limit]:
                title = (
                    _("Consent given: %(purpose)s")
                    if consent.given
                    else _("Consent withdrawn: %(purpose)s")
                ) % {"purpose": consent.get_purpose_display()}
                entries.append(
                    Entry(
                        at=consent.at,
                        kind="consents",
                        title=title,
                        detail=consent.get_method_display(),
                        url=url,
                        tone="success" if consent.given else "warning",
                    )
                )
        if "proposals" in kinds:
            rows = _proposals_of(person).select_related("organisation").order_by("-created_at")
            entries += [_proposal_entry(p) for p in rows[:limit]]
        if "changes" in kinds:
            url = reverse("directory:staff_person_detail", args=[person.pk])
            for event in person.events.order_by("-at")[:limit]:
                entries.append(
                    Entry(
                        at=event.at,
                        kind="changes",
                        title=str(event.get_action_display()),
                        detail=_merge_detail(event),
                        url=url,
                    )
                )
        return [e for e in entries if e.kind in kinds]

    def organisation_entries(self, organisation, *, kinds, limit):
        entries: list[Entry] = []
        if kinds & {"claims", "imports"}:
            rows = organisation.affiliations.select_related("person").order_by("-created_at")
            entries += [_affiliation_entry(a, about=str(a.person)) for a in rows[:limit]]
        if "proposals" in kinds:
            rows = organisation.proposals.order_by("-created_at")
            entries += [_proposal_entry(p) for p in rows[:limit]]
        if kinds & {"changes", "imports"}:
            url = reverse("directory:staff_detail", args=[organisation.pk]) + "#history"
            for revision in organisation.revisions.order_by("-at", "-id")[:limit]:
                imported = revision.source == OrganisationRevision.Source.IMPORT
                fields = [f for f in (revision.changes or {}) if f != "merged"]
                entries.append(
                    Entry(
                        at=revision.at,
                        kind="imports" if imported else "changes",
                        title=(
                            _("Updated by an import")
                            if imported
                            else _("Changed by: %(source)s")
                            % {"source": revision.get_source_display()}
                        ),
                        detail=revision.display_note
                        or ngettext("%(count)d field", "%(count)d fields", len(fields))
                        % {"count": len(fields)},
                        url=url,
                    )
                )
        return [e for e in entries if e.kind in kinds]

    def facts(self, *, person=None, organisation=None):
        if person is not None:
            pending = person.affiliations.pending_claims().count()
        else:
            pending = organisation.affiliations.pending_claims().count()
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
