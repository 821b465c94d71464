"""Merging two records of the same person into one.

The kept record takes the duplicate's links to organisations (one link per organisation:
verified beats claimed beats refused), consents, history and account; each later app
moves its own rows through `engagement.Contributor.merge_people` (registrations,
memberships, subscriptions, working groups…). Everything happens in one transaction with
both rows locked: a merge that fails leaves both records as they were. The duplicate's
number is kept (`MergedPerson`) so that its old links lead to the kept record.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tisser.directory import engagement
from tisser.directory.contacts.merging import repoint_relations
from tisser.directory.contacts.services_people import combine_affiliations
from tisser.directory.models import Affiliation, MergedPerson, Person, PersonEvent
from tisser.directory.models_proposals import Proposal

#: fields the kept record takes from the duplicate when its own is empty
FILLABLE_FIELDS = ("first_name", "last_name", "email", "phone")


def both_have_accounts(keep: Person, duplicate: Person) -> bool:
    return bool(keep.user_id and duplicate.user_id)


def may_confirm_accounts(user) -> bool:
    """Only an administrator of the site (a superuser) merges two people with accounts."""
    return bool(getattr(user, "is_superuser", False))


def merge_preview(keep: Person, duplicate: Person) -> dict:
    """What the merge would give, field by field, what moves, and what stops it."""
    fields = []
    for name in FILLABLE_FIELDS:
        kept, other = getattr(keep, name), getattr(duplicate, name)
        result = kept or other
        fields.append(
            {
                "name": name,
                "label": Person._meta.get_field(name).verbose_name,
                "keep": kept,
                "duplicate": other,
                "result": result,
                "from_duplicate": result != kept,
            }
        )
    keep_orgs = set(keep.affiliations.values_list("organisation_id", flat=True))
    dup_orgs = set(duplicate.affiliations.values_list("organisation_id", flat=True))
    lines = [
        engagement.MoveLine(_("links to organisations moved"), len(dup_orgs - keep_orgs)),
        engagement.MoveLine(
            _("links to the same organisation combined (verified beats claimed beats refused)"),
            len(dup_orgs & keep_orgs),
        ),
        engagement.MoveLine(_("consents"), duplicate.consents.count()),
        engagement.MoveLine(_("history entries"), duplicate.events.count()),
        engagement.MoveLine(_("map proposals"), _proposals_to_move(keep, duplicate).count()),
    ]
    lines += engagement.merge_preview(keep, duplicate)
    blockers = [blocker for line in lines for blocker in line.blockers]
    if keep.erased_at or duplicate.erased_at:
        blockers.append(_("An erased record cannot be merged."))
    if keep.pk == duplicate.pk:
        blockers.append(_("A person cannot be merged with themselves."))
    return {
        "fields": fields,
        "lines": [line for line in lines if line.count or line.blockers],
        "blockers": blockers,
        "account": _account_outcome(keep, duplicate),
        "needs_administrator": both_have_accounts(keep, duplicate),
    }


def _account_outcome(keep: Person, duplicate: Person) -> str:
    if both_have_accounts(keep, duplicate):
        return _(
            "Both have an account. The kept record keeps its account (%(kept)s); the other "
            "account (%(other)s) stays but is no longer linked to any contact, so it loses "
            "the rights this record's verified links gave."
        ) % {"kept": keep.user.email, "other": duplicate.user.email}
    if duplicate.user_id:
        return _("The duplicate's account (%(email)s) moves to the kept record.") % {
            "email": duplicate.user.email
        }
    if keep.user_id:
        return _("The kept record keeps its account (%(email)s).") % {"email": keep.user.email}
    return _("Neither has an account.")


def _proposals_to_move(keep: Person, duplicate: Person):
    """The duplicate's map proposals (found by its address) follow the kept address."""
    if not duplicate.email or (keep.email or duplicate.email) == duplicate.email:
        return Proposal.objects.none()
    return Proposal.objects.filter(proposer_email__iexact=duplicate.email)


def _move_affiliations(keep: Person, duplicate: Person) -> None:
    for affiliation in Affiliation.objects.select_for_update().filter(person=duplicate):
        twin = (
            Affiliation.objects.select_for_update()
            .filter(person=keep, organisation_id=affiliation.organisation_id)
            .first()
        )
        if twin is None:
            affiliation.person = keep
            affiliation.save(update_fields=["person"])
            continue
        changed = combine_affiliations(twin, affiliation)
        if changed:
            twin.save(update_fields=sorted(set(changed)))
        affiliation.delete()


def _sweep_other_relations(keep: Person, duplicate: Person) -> None:
    """Whatever still points at the duplicate (a relation no app declared) moves too:
    deleting the duplicate must never delete or orphan anyone's rows."""
    repoint_relations(
        keep,
        duplicate,
        skip=(Person.organisations.through,),
        conflict=_(
            "Both people have linked %(things)s that cannot be combined; "
            "resolve them before merging."
        ),
    )


def _locked_pair(keep_id: int, duplicate_id: int) -> tuple[Person | None, Person | None]:
    """Both rows locked, in the order of their numbers (two merges never deadlock)."""
    rows = {
        person.pk: person
        for person in Person.objects.select_for_update()
        .filter(pk__in=[keep_id, duplicate_id])
        .order_by("pk")
    }
    return rows.get(keep_id), rows.get(duplicate_id)


def merge_people(
    keep: Person, duplicate: Person, *, author, accounts_confirmed: bool = False
) -> Person:
    """Fold `duplicate` into `keep` in one transaction; the duplicate is deleted and its
    number leads to `keep`. Two records with accounts need `accounts_confirmed` from a
    superuser `author`. Raises ValidationError and changes nothing when it cannot."""
    if keep.pk == duplicate.pk:
        raise ValidationError(_("A person cannot be merged with themselves."))
    with transaction.atomic():
        keep, duplicate = _locked_pair(keep.pk, duplicate.pk)
        if keep is None or duplicate is None:
            raise ValidationError(_("These two records are already one: nothing more was done."))
        if both_have_accounts(keep, duplicate) and not (
            accounts_confirmed and may_confirm_accounts(author)
        ):
            raise ValidationError(
                _("Both people have an account: only an administrator can confirm this merge.")
            )
        preview = merge_preview(keep, duplicate)
        if preview["blockers"]:
            raise ValidationError(preview["blockers"])

        filled = {}
        for row in preview["fields"]:
            if row["from_duplicate"]:
                filled[row["name"]] = row["result"]
        moved = {str(line.label): line.count for line in preview["lines"]}

        _proposals_to_move(keep, duplicate).update(proposer_email=keep.email)
        _move_affiliations(keep, duplicate)
        duplicate.consents.update(person=keep)
        duplicate.events.update(person=keep)
        Affiliation.objects.filter(reviewed_by_person=duplicate).update(reviewed_by_person=keep)
        MergedPerson.objects.filter(person=duplicate).update(person=keep)
        engagement.merge_people(keep, duplicate)
        _sweep_other_relations(keep, duplicate)

        account = duplicate.user if not keep.user_id else None
        dup_id, dup_name = duplicate.pk, str(duplicate)
        # Deleted first: its email and account must be free before `keep` takes them.
        duplicate.delete()
        for name, value in filled.items():
            setattr(keep, name, value)
        if account is not None:
            keep.user = account
        keep.save()
        MergedPerson.objects.create(old_id=dup_id, person=keep)
        PersonEvent.objects.create(
            person=keep,
            author=author if getattr(author, "is_authenticated", False) else None,
            action=PersonEvent.Action.MERGED,
            detail={
                "merged_id": dup_id,
                "merged_name": dup_name,
                "filled": sorted(filled),
                "moved": moved,
                "account_moved": account is not None,
            },
        )
    return keep


def resolve_merged(pk: int) -> int | None:
    """The kept record's number for the number of a person merged away, if any."""
    return MergedPerson.objects.filter(old_id=pk).values_list("person_id", flat=True).first()
