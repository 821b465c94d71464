"""Assemblies and working groups in the directory's timelines, merges and personal data
(registered from `apps.py` through `directory.engagement`). An assembly entry says
whether the organisation was present, gave or held a proxy and took part in the votes —
never what it voted: ballots are secret and not read here."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tisser.directory.engagement import Contributor, Entry, MoveLine
from tisser.directory.models import Affiliation

from .models import Candidacy, Proxy, Voter
from .models_groups import GroupMember, WorkingGroup

ASSEMBLIES, GROUPS = "assemblies", "groups"


def _voter_entry(voter: Voter, on_behalf: bool) -> Entry:
    assembly = voter.assembly
    if voter.present_at:
        presence, tone = _("present"), "success"
    elif voter.registered_at:
        presence, tone = _("registered, not signed in"), "info"
    else:
        presence, tone = _("not present"), ""
    title = _("Assembly “%(title)s”: %(presence)s") % {
        "title": assembly.title,
        "presence": presence,
    }
    if on_behalf:
        title = _("%(entry)s (for %(name)s)") % {"entry": title, "name": voter.organisation.name}
    detail = (
        ngettext(
            "took part in %(voted)d of %(count)d vote",
            "took part in %(voted)d of %(count)d votes",
            voter.motion_count,
        )
        % {"voted": voter.voted_count, "count": voter.motion_count}
        if voter.motion_count
        else ""
    )
    return Entry(
        at=assembly.starts_at,
        kind=ASSEMBLIES,
        title=title,
        detail=detail,
        url=reverse("governance:staff_assembly", args=[assembly.pk]),
        tone=tone,
    )


def _proxy_entries(proxies, *, given: bool) -> list[Entry]:
    entries = []
    for proxy in proxies:
        other = proxy.holder if given else proxy.giver
        wording = _("Proxy given to %(name)s") if given else _("Proxy held for %(name)s")
        entries.append(
            Entry(
                at=proxy.created_at,
                kind=ASSEMBLIES,
                title=wording % {"name": other.organisation.name},
                detail=proxy.assembly.title,
                url=reverse("governance:staff_assembly", args=[proxy.assembly_id]),
                tone="info",
            )
        )
    return entries


def _assembly_entries(organisations, limit: int, *, on_behalf: bool = False) -> list[Entry]:
    voters = (
        Voter.objects.filter(organisation__in=organisations)
        .select_related("assembly", "organisation")
        .annotate(
            voted_count=Count("participations", distinct=True),
            motion_count=Count(
                "assembly__motions",
                filter=Q(assembly__motions__opened_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-assembly__starts_at")[:limit]
    )
    entries = [_voter_entry(voter, on_behalf) for voter in voters]
    related = ("assembly", "giver__organisation", "holder__organisation")
    given = Proxy.objects.filter(giver__organisation__in=organisations).select_related(*related)
    held = Proxy.objects.filter(holder__organisation__in=organisations).select_related(*related)
    entries += _proxy_entries(given.order_by("-created_at")[:limit], given=True)
    entries += _proxy_entries(held.order_by("-created_at")[:limit], given=False)
    return entries


class GovernanceContributor(Contributor):
    kinds = {
        ASSEMBLIES: gettext_lazy("Assemblies"),
        GROUPS: gettext_lazy("Working groups"),
    }

    def person_entries(self, person, *, kinds, limit):
        entries: list[Entry] = []
        if ASSEMBLIES in kinds:
            represented = Affiliation.objects.representatives().filter(person=person)
            entries += _assembly_entries(
                represented.values("organisation_id"), limit, on_behalf=True
            )
            for candidacy in (
                Candidacy.objects.filter(person=person)
                .select_related("motion__assembly")
                .order_by("-created_at")[:limit]
            ):
                entries.append(
                    Entry(
                        at=candidacy.created_at,
                        kind=ASSEMBLIES,
                        title=_("Candidate: %(motion)s") % {"motion": candidacy.motion.title},
                        detail=candidacy.motion.assembly.title,
                        url=reverse(
                            "governance:staff_assembly", args=[candidacy.motion.assembly_id]
                        ),
                    )
                )
        if GROUPS in kinds:
            for member in (
                GroupMember.objects.filter(person=person)
                .select_related("group")
                .order_by("-joined_at")[:limit]
            ):
                entries.append(
                    Entry(
                        at=member.joined_at,
                        kind=GROUPS,
                        title=_("Joined the working group “%(name)s”")
                        % {"name": member.group.name},
                        url=reverse("governance:group", args=[member.group.slug]),
                        tone="success",
                    )
                )
        return entries

    def organisation_entries(self, organisation, *, kinds, limit):
        entries: list[Entry] = []
        if ASSEMBLIES in kinds:
            entries += _assembly_entries([organisation.pk], limit)
        if GROUPS in kinds:
            for member in (
                GroupMember.objects.filter(organisation=organisation)
                .select_related("group", "person")
                .order_by("-joined_at")[:limit]
            ):
                entries.append(
                    Entry(
                        at=member.joined_at,
                        kind=GROUPS,
                        title=_("%(person)s joined the working group “%(name)s”")
                        % {"person": member.person, "name": member.group.name},
                        url=reverse("governance:group", args=[member.group.slug]),
                        tone="success",
                    )
                )
        return entries

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
