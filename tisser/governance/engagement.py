"""Assemblies and working groups in the directory's timelines, merges and personal data
(registered from `apps.py` through `directory.engagement`). An assembly entry says
whether the organisation was present, gave or held a proxy and took part in the votes —
never what it voted: ballots are secret and not read here."""

from __future__ import annotations

from django.db.models import OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tisser.directory.engagement import (
    PERSON_NAME,
    Branch,
    Contributor,
    Entry,
    MoveLine,
    Row,
    SubqueryCount,
    person_name,
)
from tisser.directory.models import Affiliation

from .models import Candidacy, Motion, Participation, Proxy, Voter
from .models_groups import GroupMember, WorkingGroup

ASSEMBLIES, GROUPS = "assemblies", "groups"


def _voter_entry(row: Row, on_behalf: bool) -> Entry:
    if row.data["present_at"]:
        presence, tone = _("present"), "success"
    elif row.data["registered_at"]:
        presence, tone = _("registered, not signed in"), "info"
    else:
        presence, tone = _("not present"), ""
    title = _("Assembly “%(title)s”: %(presence)s") % {
        "title": row.data["assembly"],
        "presence": presence,
    }
    if on_behalf:
        title = _("%(entry)s (for %(name)s)") % {"entry": title, "name": row.data["organisation"]}
    motions = row.data["motions"]
    detail = (
        ngettext(
            "took part in %(voted)d of %(count)d vote",
            "took part in %(voted)d of %(count)d votes",
            motions,
        )
        % {"voted": row.data["voted"], "count": motions}
        if motions
        else ""
    )
    return Entry(
        at=row.at,
        kind=ASSEMBLIES,
        title=title,
        detail=detail,
        url=reverse("governance:staff_assembly", args=[row.data["assembly_id"]]),
        tone=tone,
    )


def _proxy_entry(row: Row, *, given: bool) -> Entry:
    wording = _("Proxy given to %(name)s") if given else _("Proxy held for %(name)s")
    return Entry(
        at=row.at,
        kind=ASSEMBLIES,
        title=wording % {"name": row.data["other"]},
        detail=row.data["assembly"],
        url=reverse("governance:staff_assembly", args=[row.data["assembly_id"]]),
        tone="info",
    )


def _assembly_branches(organisations, *, on_behalf: bool = False) -> list[Branch]:
    """Presence and votes (counted, never read), and the proxies given and held."""
    voters = Voter.objects.filter(organisation__in=organisations).order_by("-assembly__starts_at")
    voted = Participation.objects.filter(voter=OuterRef("pk")).values("pk")
    motions = Motion.objects.filter(
        assembly=OuterRef("assembly_id"), opened_at__isnull=False
    ).values("pk")
    shown = {"assembly": "assembly__title", "assembly_id": "assembly_id"}
    proxies = Proxy.objects.order_by("-created_at")
    return [
        Branch(
            ASSEMBLIES,
            voters,
            "assembly__starts_at",
            {
                **shown,
                "organisation": "organisation__name",
                "present_at": "present_at",
                "registered_at": "registered_at",
                "voted": SubqueryCount(voted),
                "motions": SubqueryCount(motions),
            },
            lambda row: _voter_entry(row, on_behalf),
        ),
        Branch(
            ASSEMBLIES,
            proxies.filter(giver__organisation__in=organisations),
            "created_at",
            {**shown, "other": "holder__organisation__name"},
            lambda row: _proxy_entry(row, given=True),
        ),
        Branch(
            ASSEMBLIES,
            proxies.filter(holder__organisation__in=organisations),
            "created_at",
            {**shown, "other": "giver__organisation__name"},
            lambda row: _proxy_entry(row, given=False),
        ),
    ]


def _candidacy_entry(row: Row) -> Entry:
    return Entry(
        at=row.at,
        kind=ASSEMBLIES,
        title=_("Candidate: %(motion)s") % {"motion": row.data["motion"]},
        detail=row.data["assembly"],
        url=reverse("governance:staff_assembly", args=[row.data["assembly_id"]]),
    )


def _member_entry(row: Row, *, named: bool) -> Entry:
    return Entry(
        at=row.at,
        kind=GROUPS,
        title=(
            _("%(person)s joined the working group “%(name)s”")
            % {"person": person_name(row), "name": row.data["group"]}
            if named
            else _("Joined the working group “%(name)s”") % {"name": row.data["group"]}
        ),
        url=reverse("governance:group", args=[row.data["slug"]]),
        tone="success",
    )


GROUP = {"group": "group__name", "slug": "group__slug"}


class GovernanceContributor(Contributor):
    kinds = {
        ASSEMBLIES: gettext_lazy("Assemblies"),
        GROUPS: gettext_lazy("Working groups"),
    }

    def person_branches(self, person):
        represented = Affiliation.objects.representatives().filter(person=person)
        candidacies = Branch(
            ASSEMBLIES,
            Candidacy.objects.filter(person=person).order_by("-created_at"),
            "created_at",
            {
                "motion": "motion__title",
                "assembly": "motion__assembly__title",
                "assembly_id": "motion__assembly_id",
            },
            _candidacy_entry,
        )
        groups = Branch(
            GROUPS,
            GroupMember.objects.filter(person=person).order_by("-joined_at"),
            "joined_at",
            GROUP,
            lambda row: _member_entry(row, named=False),
        )
        return [
            *_assembly_branches(represented.values("organisation_id"), on_behalf=True),
            candidacies,
            groups,
        ]

    def organisation_branches(self, organisation):
        groups = Branch(
            GROUPS,
            GroupMember.objects.filter(organisation=organisation).order_by("-joined_at"),
            "joined_at",
            GROUP | PERSON_NAME,
            lambda row: _member_entry(row, named=True),
        )
        return [*_assembly_branches([organisation.pk]), groups]

    def merge_preview(self, keep, duplicate):
        return [
            MoveLine(
                _("working group memberships"),
                GroupMember.objects.filter(person=duplicate).count(),
            ),
            MoveLine(
                _("working groups they are the referent of"),
                WorkingGroup.objects.filter(referent=duplicate).count(),
            ),
            MoveLine(_("candidacies"), Candidacy.objects.filter(person=duplicate).count()),
        ]

    def merge_people(self, keep, duplicate):
        kept_groups = GroupMember.objects.filter(person=keep).values("group_id")
        # In the same group twice: one membership stays, dated from the earlier joining.
        for twin in GroupMember.objects.filter(person=duplicate, group_id__in=kept_groups):
            GroupMember.objects.filter(
                person=keep, group_id=twin.group_id, joined_at__gt=twin.joined_at
            ).update(joined_at=twin.joined_at)
            twin.delete()
        GroupMember.objects.filter(person=duplicate).update(person=keep)
        WorkingGroup.objects.filter(referent=duplicate).update(referent=keep)
        Candidacy.objects.filter(person=duplicate).update(person=keep)

    def export(self, person):
        return {
            "working_groups": [
                {"group": m.group.name, "joined_at": m.joined_at.isoformat()}
                for m in GroupMember.objects.filter(person=person).select_related("group")
            ],
            "working_groups_referent": list(
                WorkingGroup.objects.filter(referent=person).values_list("name", flat=True)
            ),
            "candidacies": [
                {"motion": c.motion.title, "at": c.created_at.isoformat()}
                for c in Candidacy.objects.filter(person=person).select_related("motion")
            ],
        }

    def erase(self, person):
        # An erased person leaves the groups' member lists and refers no group.
        GroupMember.objects.filter(person=person).delete()
        WorkingGroup.objects.filter(referent=person).update(referent=None)
