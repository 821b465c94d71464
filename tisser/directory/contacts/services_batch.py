"""The batch writers of an import: `create_organisations` and `update_organisations`,
the one-by-one services' checks, derived fields and revisions written in a handful of
queries, and `BatchLookups`, what a batch reads from the directory at once.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tisser.core.imports import bulk
from tisser.directory.contacts.services import (
    ADDRESS_FIELDS,
    apply_data,
    unique_slug,
    validate_organisation,
)
from tisser.directory.indexing import DERIVED_FIELDS, categories_in_order, refresh_derived_fields
from tisser.directory.models import GeoPrecision, Organisation, OrganisationRevision
from tisser.directory.siret import normalise_siret


class BatchLookups:
    """What a batch of an import needs from the directory, read in two queries instead of
    two per row: the organisations holding the batch's SIRETs, and the categories of the
    organisations it updates (slugs and ids, kept in step as the batch changes them)."""

    def __init__(self, *, sirets=(), organisation_ids=()):
        sirets = {s for s in (normalise_siret(str(v or "")) for v in sirets) if s}
        holders = Organisation.objects.filter(bulk.among("siret", sirets)) if sirets else ()
        self.siret_holders: dict[str, Organisation] = {o.siret: o for o in holders}
        self.slugs: dict[int, list[str]] = {}
        self.category_ids: dict[int, list[int]] = {}
        self.read_categories(organisation_ids)

    def read_categories(self, organisation_ids) -> None:
        ids = set(organisation_ids) - self.slugs.keys()
        if ids:
            through = Organisation.categories.through.objects.filter(
                bulk.among("organisation_id", ids)
            )
            for org_id, category_id, slug in through.values_list(
                "organisation_id", "category_id", "category__slug"
            ):
                self.slugs.setdefault(org_id, []).append(slug)
                self.category_ids.setdefault(org_id, []).append(category_id)


def create_organisations(
    datas: list[dict],
    *,
    author=None,
    source=OrganisationRevision.Source.STAFF,
    notes: list[str] | None = None,
    checked: bool = False,
) -> list[Organisation]:
    """`create_organisation` for a batch of an import: the same checks, derived fields and
    revisions, written in a handful of queries (bulk inserts, COPY on PostgreSQL).

    `checked`: the items passed an import's check (`check_organisation_data`) of the
    same rows; the fields' own validation is not made again.

    Raises ValidationError (with `.index`, the failing item's rank) on the first invalid
    item; the caller's transaction then writes nothing of the batch."""
    orgs, changes_of, categories_of = [], [], []
    known = BatchLookups(sirets=[data.get("siret") for data in datas])
    for index, data in enumerate(datas):
        org = Organisation()
        try:
            changes, categories = apply_data(org, data)
            validate_organisation(org, known, fields=() if checked else data.keys())
        except ValidationError as error:
            error.index = index
            raise
        orgs.append(org)
        changes_of.append({k: v for k, v in changes.items() if v[1] not in ("", None, [], False)})
        categories_of.append(categories or [])
    sirets = [o.siret for o in orgs if o.siret]
    if len(set(sirets)) != len(sirets):
        index = next(i for i, o in enumerate(orgs) if o.siret and sirets.count(o.siret) > 1)
        error = ValidationError({"siret": _("This SIRET is already used by another organisation.")})
        error.index = index
        raise error
    bases = []
    for org in orgs:
        commune_name = org.commune.name if org.commune_id else ""
        bases.append(slugify(f"{org.name}-{commune_name}")[:200].strip("-") or "organisation")
    taken = set(
        Organisation.objects.filter(bulk.among("slug", set(bases))).values_list("slug", flat=True)
    )
    used: set[str] = set()
    category_order = categories_in_order()
    for index, (org, base) in enumerate(zip(orgs, bases, strict=True)):
        slug = base
        if slug in taken or slug in used:
            org.slug = ""
            slug = unique_slug(org)
            n = 2
            while slug in used:
                slug = f"{base}-{n}"
                n += 1
        used.add(slug)
        org.slug = slug
        refresh_derived_fields(org, [c.pk for c in categories_of[index]], category_order)
    bulk.insert(Organisation, orgs)
    through = Organisation.categories.through
    through.objects.bulk_create(
        [
            through(organisation_id=org.pk, category_id=category.pk)
            for org, categories in zip(orgs, categories_of, strict=True)
            for category in categories
        ]
    )
    author = author if getattr(author, "is_authenticated", False) else None
    notes = notes or [""] * len(orgs)
    bulk.insert(
        OrganisationRevision,
        [
            OrganisationRevision(
                organisation_id=org.pk,
                author=author,
                source=source,
                changes=changes,
                note=note[:300],
                note_code="",
                note_params={},
            )
            for org, changes, note in zip(orgs, changes_of, notes, strict=True)
            if changes
        ],
    )
    to_place = [
        org.pk
        for org in orgs
        if org.geo_precision != GeoPrecision.MANUAL
        and (org.address or org.commune_id or org.postcode)
    ]
    if to_place:
        from tisser.directory.tasks import geocode_organisations

        transaction.on_commit(lambda: geocode_organisations.delay(to_place))
    from tisser.directory.map.queries import map_data_changed

    transaction.on_commit(map_data_changed)
    return orgs


def update_organisations(
    items: list[tuple[int, dict]],
    *,
    author=None,
    source=OrganisationRevision.Source.STAFF,
    notes: list[str] | None = None,
    checked: bool = False,
) -> list[Organisation]:
    """`update_organisation` for a batch of an import (`items`: organisation id, data):
    the organisations locked and read in one query, the same checks, the changed ones
    written with one `bulk_update`, their categories and revisions in bulk. Returns the
    organisations changed. `checked`: as for `create_organisations`.

    Raises ValidationError (with `.index`, the failing item's rank) on the first invalid
    item; the caller's transaction then writes nothing of the batch."""
    ids = {pk for pk, _data in items}
    stored = (
        Organisation.objects.select_for_update(of=("self",)).select_related("commune").in_bulk(ids)
    )
    known = BatchLookups(sirets=[data.get("siret") for _pk, data in items], organisation_ids=stored)
    author = author if getattr(author, "is_authenticated", False) else None
    notes = notes or [""] * len(items)
    changed: dict[int, Organisation] = {}
    edits, fields, new_categories = [], set(), {}
    for index, ((pk, data), note) in enumerate(zip(items, notes, strict=True)):
        try:
            org = stored.get(pk)
            if org is None:
                raise ValidationError(_("This organisation no longer exists."))
            changes, categories = apply_data(org, data, known)
            if not changes:
                continue
            validate_organisation(org, known, fields=() if checked else data.keys())
        except ValidationError as error:
            error.index = index
            raise
        if "categories" in changes:
            known.slugs[pk] = [c.slug for c in categories]
            known.category_ids[pk] = [c.pk for c in categories]
            new_categories[pk] = categories
        fields.update(f for f in changes if f != "categories")
        changed[pk] = org
        edits.append((org, changes, note))
    if not changed:
        return []
    now = timezone.now()
    category_order = categories_in_order()
    for org in changed.values():
        org.updated_at = now
        refresh_derived_fields(org, known.category_ids.get(org.pk, []), category_order)
    derived = {"updated_at", *DERIVED_FIELDS}
    bulk.update(Organisation, list(changed.values()), sorted(fields | derived))
    if new_categories:
        through = Organisation.categories.through
        through.objects.filter(organisation_id__in=list(new_categories)).delete()
        through.objects.bulk_create(
            [
                through(organisation_id=pk, category_id=category.pk)
                for pk, categories in new_categories.items()
                for category in categories
            ]
        )
    bulk.insert(
        OrganisationRevision,
        [
            OrganisationRevision(
                organisation_id=org.pk,
                author=author,
                source=source,
                changes=changes,
                note=note[:300],
                note_code="",
                note_params={},
            )
            for org, changes, note in edits
        ],
    )
    to_place = set()
    for org, changes, _note in edits:
        if org.status == Organisation.Status.PUBLISHED:
            from tisser.directory.webhooks import organisation_saved

            organisation_saved(org, became_public="status" in changes)
        cleared = "latitude" in changes and org.latitude is None
        if (
            (changes.keys() & ADDRESS_FIELDS or cleared)
            and org.geo_precision != GeoPrecision.MANUAL
            and (org.address or org.commune_id or org.postcode)
        ):
            to_place.add(org.pk)
    if to_place:
        from tisser.directory.tasks import geocode_organisations

        places = sorted(to_place)
        transaction.on_commit(lambda: geocode_organisations.delay(places))
    from tisser.directory.map.queries import map_data_changed

    transaction.on_commit(map_data_changed)
    return list(changed.values())
