"""Every write to the contacts base goes through here.

Each change to an organisation is validated, sanitised, saved in a transaction and
recorded as an `OrganisationRevision` listing the changed fields as `{field: [old, new]}`.
One organisation is one row whichever door it came in by: `find_duplicate` looks for the
same SIRET, then for the same normalised name in the same commune.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tisser.core.compiled import CompiledQuery
from tisser.directory.contacts.merging import FILLABLE_FIELDS, merge_organisations, merge_preview  # noqa: F401
from tisser.directory.contacts.services_people import (  # noqa: F401  (public here)
    PERSON_FIELDS,
    affiliate,
    check_person_data,
    combine_affiliations,
    create_person,
    find_or_create_people,
    find_or_create_person,
    record_consent,
    record_consents,
    remove_affiliation,
    update_affiliation,
    update_person,
    upsert_person,
)
from tisser.directory.indexing import (
    match_key_for,
    refresh_derived_fields,
)
from tisser.directory.models import (
    Affiliation,
    Category,
    GeoPrecision,
    Organisation,
    OrganisationRevision,
    Person,
)
from tisser.directory.siret import normalise_siret
from tisser.directory.validation import (  # noqa: F401  (public here)
    LOGO_MAX_BYTES,
    clean_field,
    clean_value,
    find_commune,
    find_communes,
    resolve_categories,
    resolve_commune,
    validate_logo,
)
from tisser.territories.models import Commune

if TYPE_CHECKING:
    from tisser.directory.contacts.services_batch import BatchLookups

# The fields a service may set from `data`; derived and timestamp fields are not in it.
EDITABLE_FIELDS = ("name", *FILLABLE_FIELDS, "status", "is_member")
# What a representative may change on their own entry (the public fields).
PUBLIC_FIELDS = (
    "name",
    "legal_form",
    "siret",
    "address",
    "postcode",
    "commune",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "description",
    "logo",
    "workforce",
    "categories",
)
ADDRESS_FIELDS = {"address", "postcode", "commune"}

# --- revisions ----------------------------------------------------------------------


def _jsonable(value):
    if isinstance(value, Commune):
        return value.code
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, UploadedFile) or hasattr(value, "field"):  # a file
        return getattr(value, "name", "") or ""
    return value


def _current(org: Organisation, field: str):
    if field == "commune":
        return org.commune_id
    if field == "logo":
        return org.logo.name if org.logo else ""
    return getattr(org, field)


def _record(
    org, changes: dict, *, author, source, note="", note_code="", note_params=None
) -> OrganisationRevision | None:
    """Keep one revision; a system note goes as `note_code` + `note_params` (translated
    when shown, see `OrganisationRevision.NOTES`)."""
    if not changes:
        return None
    author = author if getattr(author, "is_authenticated", False) else None
    return OrganisationRevision.objects.create(
        organisation=org,
        author=author,
        source=source,
        changes=changes,
        note=note[:300],
        note_code=note_code,
        note_params=note_params or {},
    )


# --- organisations ------------------------------------------------------------------


def unique_slug(org: Organisation) -> str:
    """A slug from the name and commune that no other organisation holds."""
    commune_name = org.commune.name if org.commune_id else ""
    base = slugify(f"{org.name}-{commune_name}")[:200].strip("-") or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exclude(pk=org.pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def apply_data(
    org: Organisation, data: dict, known: BatchLookups | None = None
) -> tuple[dict, list[Category] | None]:
    """Set the fields in `data` on `org`; return the changes and the new categories (or None).

    `known`: what a batch already read (the organisations' current categories)."""
    unknown = set(data) - set(EDITABLE_FIELDS) - {"categories"}
    if unknown:
        raise ValueError(f"Not editable through services: {sorted(unknown)}")
    errors: dict[str, list] = {}
    cleaned: dict = {}
    for field, value in data.items():
        if field == "categories":
            continue
        try:
            cleaned[field] = clean_value(field, value)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    categories = None
    if "categories" in data:
        try:
            categories = resolve_categories(data["categories"] or [])
        except ValidationError as error:
            errors.update(error.message_dict)
    has_lat = cleaned.get("latitude", org.latitude) is not None
    has_lon = cleaned.get("longitude", org.longitude) is not None
    if has_lat != has_lon and not errors.keys() & {"latitude", "longitude"}:
        errors.setdefault("latitude", []).append(
            _("Give both the latitude and the longitude, or neither.")
        )
    if errors:
        raise ValidationError(errors)

    changes: dict = {}
    for field, value in cleaned.items():
        old = _current(org, field)
        if field == "logo":
            if isinstance(value, UploadedFile):
                new = value.name
            elif not value:
                value = new = ""
            else:
                continue  # the stored file, unchanged
            if old == new == "":
                continue
        else:
            new = value.code if isinstance(value, Commune) else value
            if old == new:
                continue
        setattr(org, field, value)
        changes[field] = [_jsonable(old), _jsonable(new)]

    # Coordinates typed in by a person are "placed by hand" and kept by later geocoding.
    moved = changes.keys() & {"latitude", "longitude"}
    if moved and "geo_precision" not in data:
        if org.latitude is None:
            org.geo_precision = GeoPrecision.NONE
        else:
            org.geo_precision = GeoPrecision.MANUAL
        old_precision = changes.get("geo_precision", [None])[0]
        changes["geo_precision"] = [old_precision, org.geo_precision]
    if categories is not None:
        if not org.pk:
            old_slugs = []
        elif known is not None:
            old_slugs = sorted(known.slugs.get(org.pk, ()))
        else:
            old_slugs = sorted(org.categories.values_list("slug", flat=True))
        new_slugs = sorted({c.slug for c in categories})
        if old_slugs != new_slugs:
            changes["categories"] = [old_slugs, new_slugs]
    return changes, categories


def validate_organisation(
    org: Organisation, known: BatchLookups | None = None, *, fields=None
) -> None:
    """The model's own checks and the SIRET's uniqueness. `fields`: check only these (an
    import's batch: the others hold stored or default values; none when an import's check
    of the same rows validated them, then only the database is asked again)."""
    errors: dict[str, list] = {}
    if not (org.name or "").strip():
        errors["name"] = [_("The name is required.")]
    exclude = {"slug", "commune", "categories", "logo", "name"}
    if fields is not None:
        exclude |= {f.name for f in Organisation._meta.fields} - set(fields)
    try:
        if fields is None or set(fields) - exclude:
            org.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if org.siret:
        if known is not None:
            clash = known.siret_holders.get(org.siret)
            clash = clash if clash is not None and clash.pk != org.pk else None
        else:
            clash = Organisation.objects.filter(siret=org.siret).exclude(pk=org.pk).first()
        if clash:
            errors.setdefault("siret", []).append(
                _("This SIRET is already used by “%(name)s”.") % {"name": clash.name}
            )
    if errors:
        raise ValidationError(errors)


def _save(org: Organisation, changes: dict, categories, *, author, source, note, created):
    if not org.slug:  # kept on renames, so that shared links keep working
        org.slug = unique_slug(org)
    refresh_derived_fields(org)
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError as error:
        raise ValidationError(
            {"siret": _("This SIRET is already used by another organisation.")}
        ) from error
    if categories is not None:
        org.categories.set(categories)
    _record(org, changes, author=author, source=source, note=note)
    if org.status == Organisation.Status.PUBLISHED:
        from tisser.directory.webhooks import organisation_saved

        organisation_saved(org, became_public=created or "status" in changes)
    # Locate again when the address moved, or when hand-placed coordinates were cleared.
    cleared = "latitude" in changes and org.latitude is None
    if (
        (changes.keys() & ADDRESS_FIELDS or cleared)
        and org.geo_precision != GeoPrecision.MANUAL
        and (org.address or org.commune_id or org.postcode)
    ):
        from tisser.directory.tasks import geocode_organisation

        org_id = org.pk
        transaction.on_commit(lambda: geocode_organisation.delay(org_id))
    return org


@transaction.atomic
def create_organisation(
    data: dict, *, author=None, source=OrganisationRevision.Source.STAFF, note=""
) -> Organisation:
    """Create an organisation from field values; records a revision listing what was set."""
    org = Organisation()
    changes, categories = apply_data(org, data)
    validate_organisation(org)
    changes = {k: v for k, v in changes.items() if v[1] not in ("", None, [], False)}
    return _save(org, changes, categories, author=author, source=source, note=note, created=True)


@transaction.atomic
def update_organisation(
    org: Organisation,
    data: dict,
    *,
    author=None,
    source=OrganisationRevision.Source.STAFF,
    note="",
) -> Organisation:
    """Change the fields in `data`; records a revision of what actually changed (if anything)."""
    # Lock the row and start from its stored values, so that two editors never lose
    # each other's changes to fields they did not touch.
    stored = Organisation.objects.select_for_update().get(pk=org.pk)
    for field in EDITABLE_FIELDS:
        attname = "commune_id" if field == "commune" else field
        setattr(org, attname, getattr(stored, attname))
    changes, categories = apply_data(org, data)
    if not changes:
        return org
    validate_organisation(org)
    return _save(org, changes, categories, author=author, source=source, note=note, created=False)


def check_organisation_data(
    data: dict, org: Organisation | None = None, known: BatchLookups | None = None
) -> None:
    """Raise the ValidationError that creating (or updating `org`) with `data` would raise.

    With `known` (a batch's lookups), `org` is taken as just read, not read again."""
    if org is None:
        target = Organisation()
    elif known is not None:
        target = copy.copy(org)
    else:
        target = Organisation.objects.get(pk=org.pk)
    apply_data(target, data, known)
    validate_organisation(target, known, fields=None if known is None else data.keys())


def archive_organisation(org: Organisation, *, author=None, note="") -> Organisation:
    return update_organisation(
        org, {"status": Organisation.Status.ARCHIVED}, author=author, note=note
    )


def find_duplicate(
    *, name: str, commune_code: str | None, siret: str = "", with_representatives: bool = False
) -> Organisation | None:
    """The organisation these details designate: same SIRET first, then same name + commune.

    `with_representatives`: annotated with `has_representatives` in the same query, so
    that a claim on it (`services_claims.claim`) looks for someone to email only when
    there is someone."""
    siret = normalise_siret(siret or "")
    if siret:
        found = _with_representatives() if with_representatives else Organisation.objects.all()
        if match := found.filter(siret=siret).first():
            return match
    if not (name or "").strip():
        return None
    key = match_key_for(name, commune_code or None)
    by_key = BY_KEY_WITH_REPRESENTATIVES if with_representatives else BY_KEY
    return by_key.first(key)


def find_person_and_organisation(
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    organisation_name: str,
    commune_code: str | None,
) -> tuple[Person, bool, Organisation | None]:
    """What a registration form names: the contact (`find_or_create_person`) and the
    organisation found by its name and commune (`find_duplicate(...,
    with_representatives=True)`; never created here), in one statement."""
    read = None
    if (organisation_name or "").strip():
        read = BY_KEY_WITH_REPRESENTATIVES.bind(match_key_for(organisation_name, commune_code))
    person, created, joined = upsert_person(
        email=email, first_name=first_name, last_name=last_name, phone=phone, joined=read
    )
    if read is None:
        return person, created, None
    if not joined:  # created apart (no email): looked up apart
        found = find_duplicate(
            name=organisation_name, commune_code=commune_code, with_representatives=True
        )
        return person, created, found
    return person, created, BY_KEY_WITH_REPRESENTATIVES.read(joined)


def _with_representatives():
    return Organisation.objects.annotate(
        has_representatives=Exists(
            Affiliation.objects.representatives().filter(organisation=OuterRef("pk"))
        )
    )


# The look-up of a registration rush, compiled to SQL once per process.
BY_KEY = CompiledQuery(
    Organisation, lambda key: Organisation.objects.filter(match_key=key).order_by("pk")
)
BY_KEY_WITH_REPRESENTATIVES = CompiledQuery(
    Organisation, lambda key: _with_representatives().filter(match_key=key).order_by("pk")
)


@transaction.atomic
def find_or_create_organisation(
    data: dict, *, author=None, source=OrganisationRevision.Source.STAFF
) -> tuple[Organisation, bool]:
    """The existing organisation (same SIRET or name + commune) or a new one; never a twin."""
    commune = resolve_commune(data.get("commune"))
    existing = find_duplicate(
        name=data.get("name", ""),
        commune_code=commune.code if commune else None,
        siret=str(data.get("siret") or ""),
    )
    if existing:
        return existing, False
    return create_organisation(data, author=author, source=source), True


def set_membership_status(org: Organisation, is_member: bool) -> None:
    """Called by the memberships module when an organisation joins or leaves the network."""
    update_organisation(
        org, {"is_member": bool(is_member)}, source=OrganisationRevision.Source.SYSTEM
    )


@transaction.atomic
def store_location(org_id: int, location) -> Organisation | None:
    """Save what geocoding found, unless a person placed the point by hand meanwhile."""
    org = Organisation.objects.select_for_update().filter(pk=org_id).first()
    if org is None or org.geo_precision == GeoPrecision.MANUAL or location is None:
        return org
    data = {
        "latitude": location.latitude,
        "longitude": location.longitude,
        "geo_precision": location.precision,
    }
    changes, _categories = apply_data(org, data)
    org.geocoded_at = timezone.now()
    if not org.commune_id and location.commune_code:
        commune = Commune.objects.filter(pk=location.commune_code).first()
        if commune:
            org.commune = commune
            changes["commune"] = [None, commune.code]
    refresh_derived_fields(org)
    org.save()
    _record(
        org,
        changes,
        author=None,
        source=OrganisationRevision.Source.SYSTEM,
        note_code="geocoded",
        note_params={"label": location.label},
    )
    return org
