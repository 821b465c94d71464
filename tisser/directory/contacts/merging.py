"""Merging two records of the same organisation into one.

Everything that points at the duplicate (people, categories, revisions, and whatever later
apps attach to an organisation) is moved onto the one kept; the kept record's empty fields
are filled from the duplicate; then the duplicate is deleted and a MERGE revision says what
happened. Imported by `services`, which is the public entry point.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from tisser.directory.contacts.services_people import combine_affiliations
from tisser.directory.indexing import refresh_derived_fields
from tisser.directory.models import Affiliation, Organisation, OrganisationRevision, OrganisationTag

# Fields filled from the duplicate when the kept record has them empty.
FILLABLE_FIELDS = (
    "legal_form",
    "siret",
    "address",
    "postcode",
    "commune",
    "latitude",
    "longitude",
    "geo_precision",
    "geocoded_at",
    "website",
    "email",
    "phone",
    "description",
    "logo",
    "workforce",
)


def _value(org: Organisation, field: str):
    if field == "commune":
        return org.commune_id or None
    if field == "logo":
        return org.logo.name if org.logo else ""
    return getattr(org, field)


def _empty(value) -> bool:
    return value in (None, "", [])


def merge_preview(keep: Organisation, duplicate: Organisation) -> dict:
    """What the merge would give, field by field, and what would be moved."""
    fields = []
    for field in ("name", *FILLABLE_FIELDS, "status", "is_member"):
        kept, other = _value(keep, field), _value(duplicate, field)
        if field in {"latitude", "longitude", "geo_precision", "geocoded_at"}:
            # The location moves as a whole: only when the kept one has none.
            result = other if keep.latitude is None and duplicate.latitude is not None else kept
        elif field == "is_member":
            result = kept or other
        elif field in FILLABLE_FIELDS and _empty(kept):
            result = other
        else:
            result = kept
        fields.append(
            {
                "name": field,
                "label": Organisation._meta.get_field(field).verbose_name,
                "keep": kept,
                "duplicate": other,
                "result": result,
                "from_duplicate": result != kept,
            }
        )
    keep_people = set(keep.affiliations.values_list("person_id", flat=True))
    dup_people = set(duplicate.affiliations.values_list("person_id", flat=True))
    keep_categories = set(keep.categories.values_list("slug", flat=True))
    dup_categories = set(duplicate.categories.values_list("slug", flat=True))
    return {
        "fields": fields,
        "people_moved": len(dup_people - keep_people),
        "people_shared": len(dup_people & keep_people),
        "categories_added": sorted(dup_categories - keep_categories),
        "revisions_moved": duplicate.revisions.count(),
    }


def _move_affiliations(keep: Organisation, duplicate: Organisation) -> None:
    for affiliation in duplicate.affiliations.select_related("person"):
        twin = keep.affiliations.filter(person=affiliation.person).first()
        if twin is None:
            affiliation.organisation = keep
            affiliation.save(update_fields=["organisation"])
            continue
        changed = combine_affiliations(twin, affiliation)
        if changed:
            twin.save(update_fields=sorted(set(changed)))
        affiliation.delete()


def repoint_relations(keep, duplicate, *, skip: tuple, conflict: str) -> None:
    """Repoint every foreign key still on `duplicate` to `keep` (later apps' rows
    included), except the models in `skip` that the merge moved itself; `conflict` (with
    `%(things)s`) is the refusal when a unique constraint says two rows are one."""
    for relation in type(keep)._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not isinstance(relation, models.ManyToOneRel):  # covers OneToOneRel too
            continue
        model, field = relation.related_model, relation.field
        if model in skip:
            continue
        rows = model._base_manager.filter(**{field.name: duplicate})
        try:
            with transaction.atomic():
                rows.update(**{field.name: keep})
        except IntegrityError:
            raise ValidationError(conflict % {"things": model._meta.verbose_name_plural}) from None


def _move_other_relations(keep: Organisation, duplicate: Organisation) -> None:
    """Repoint every other foreign key to the duplicate (later apps' rows included)."""
    repoint_relations(
        keep,
        duplicate,
        # The tags follow the organisations by trigger (the duplicate's go with it).
        skip=(Affiliation, OrganisationRevision, Organisation.categories.through, OrganisationTag),
        conflict=_(
            "Both organisations have linked %(things)s that cannot be combined; "
            "resolve them before merging."
        ),
    )


@transaction.atomic
def merge_organisations(keep: Organisation, duplicate: Organisation, *, author) -> Organisation:
    """Fold `duplicate` into `keep`; the duplicate's history moves over and it is deleted."""
    if keep.pk == duplicate.pk:
        raise ValidationError(_("An organisation cannot be merged with itself."))
    keep = Organisation.objects.select_for_update().get(pk=keep.pk)
    duplicate = Organisation.objects.select_for_update().filter(pk=duplicate.pk).first()
    if duplicate is None:  # merged meanwhile by a concurrent request
        raise ValidationError(_("These two records are already one: nothing more was done."))
    preview = merge_preview(keep, duplicate)
    changes: dict = {}
    for row in preview["fields"]:
        if not row["from_duplicate"]:
            continue
        field, result = row["name"], row["result"]
        if field == "commune":
            keep.commune_id = result
        elif field == "logo":
            keep.logo = duplicate.logo
        else:
            setattr(keep, field, result)
        changes[field] = [row["keep"], row["duplicate"] if field != "is_member" else result]
    for field, change in changes.items():
        if field == "geocoded_at" and change[1] is not None:
            changes[field] = [change[0] and change[0].isoformat(), change[1].isoformat()]

    _move_affiliations(keep, duplicate)
    keep.categories.add(*duplicate.categories.all())
    if preview["categories_added"]:
        changes["categories"] = [[], preview["categories_added"]]
    duplicate.revisions.update(organisation=keep)
    _move_other_relations(keep, duplicate)

    name, dup_id = duplicate.name, duplicate.pk
    duplicate.delete()  # before saving `keep`: a SIRET taken over must be free first
    refresh_derived_fields(keep)
    keep.save()
    changes["merged"] = [dup_id, name]
    author = author if getattr(author, "is_authenticated", False) else None
    OrganisationRevision.objects.create(
        organisation=keep,
        author=author,
        source=OrganisationRevision.Source.MERGE,
        changes=changes,
        note_code="merged",
        note_params={"name": name},
    )
    return keep
