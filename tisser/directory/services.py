"""Every write to the contacts base goes through here.

Each change to an organisation is validated, sanitised, saved in a transaction and
recorded as an `OrganisationRevision` listing the changed fields as `{field: [old, new]}`.
One organisation is one row whichever door it came in by: `find_duplicate` looks for the
same SIRET, then for the same normalised name in the same commune.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tisser.core.html import sanitize_html
from tisser.core.text import fold
from tisser.territories.models import Commune

from .indexing import match_key_for, refresh_derived_fields
from .merging import merge_organisations, merge_preview  # noqa: F401  (public here)
from .models import (
    Affiliation,
    Category,
    Consent,
    GeoPrecision,
    Organisation,
    OrganisationRevision,
    Person,
)
from .siret import is_valid_siret, normalise_siret

# The fields a service may set from `data`; derived and timestamp fields are not in it.
EDITABLE_FIELDS = (
    "name",
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
    "status",
    "is_member",
)
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
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


# --- validation helpers -------------------------------------------------------------


def resolve_commune(value) -> Commune | None:
    """A Commune from a Commune or an INSEE code; None for empty; ValidationError if unknown."""
    if value in (None, ""):
        return None
    if isinstance(value, Commune):
        return value
    code = str(value).strip().upper()
    commune = Commune.objects.filter(pk=code).first()
    if commune is None:
        raise ValidationError(
            {"commune": _("Unknown commune “%(code)s”.") % {"code": value}}, code="unknown"
        )
    return commune


_COMMUNE_CODE = re.compile(r"^(\d{5}|2[ab]\d{3})$", re.IGNORECASE)
_NAME_WITH_DEPARTEMENT = re.compile(r"^(.*?)\s*\((\w{2,3})\)$")


def find_commune(text: str, postcode: str = "") -> Commune | None:
    """A commune from what people type: INSEE code, name, "Name (59)", helped by a postcode."""
    text = (text or "").strip()
    postcode = (postcode or "").strip()
    if not text:
        return None
    if _COMMUNE_CODE.match(text):
        found = Commune.objects.filter(pk=text.upper()).first()
        if found or not postcode:
            return found
    departement = ""
    if match := _NAME_WITH_DEPARTEMENT.match(text):
        text, departement = match.group(1), match.group(2).upper()
    candidates = Commune.objects.filter(search_name=fold(text))
    if departement:
        candidates = candidates.filter(departement_id=departement)
    candidates = list(candidates[:50])
    if postcode:
        by_postcode = [c for c in candidates if postcode in c.postcode_list]
        if by_postcode:
            candidates = by_postcode
        elif len(postcode) == 5:
            candidates = [c for c in candidates if c.departement_id == postcode[:2]] or candidates
    return candidates[0] if len(candidates) == 1 else None


def resolve_categories(values: Iterable) -> list[Category]:
    """Categories from Category objects or slugs; ValidationError naming any unknown slug."""
    objects = [v for v in values if isinstance(v, Category)]
    slugs = [str(v).strip() for v in values if not isinstance(v, Category) and str(v).strip()]
    found = {c.slug: c for c in Category.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError(
            {"categories": _("Unknown category: %(names)s.") % {"names": ", ".join(unknown)}},
            code="unknown",
        )
    return objects + [found[s] for s in slugs]


def _coordinate(value, low: float, high: float, field: str, label: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        raise ValidationError(
            {field: _("The %(label)s must be a number.") % {"label": label}}, code="invalid"
        ) from None
    if not low <= number <= high:
        raise ValidationError(
            {
                field: _("The %(label)s must be between %(low)s and %(high)s.")
                % {"label": label, "low": low, "high": high}
            },
            code="out_of_range",
        )
    return number


def validate_logo(file) -> None:
    """A logo is a real image (PNG, JPEG, GIF or WebP) of at most 2 MB."""
    if not file or not isinstance(file, UploadedFile):
        return
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            {
                "logo": _("The logo is too large (%(size)s MB); the limit is 2 MB.")
                % {"size": round(file.size / 1024 / 1024, 1)}
            },
            code="too_large",
        )
    from PIL import Image

    try:
        file.seek(0)
        with Image.open(file) as image:
            image.verify()
            kind = image.format
    except Exception:
        kind = None
    finally:
        file.seek(0)
    if kind not in LOGO_FORMATS:
        raise ValidationError(
            {"logo": _("The logo must be an image (PNG, JPEG, GIF or WebP).")},
            code="not_image",
        )


def _clean_value(field: str, value):
    """Normalise one incoming value; raise ValidationError with a field-keyed message."""
    if field == "commune":
        return resolve_commune(value)
    if field == "latitude":
        return _coordinate(value, -90, 90, "latitude", _("latitude"))
    if field == "longitude":
        return _coordinate(value, -180, 180, "longitude", _("longitude"))
    if field == "siret":
        siret = normalise_siret(str(value or ""))
        if siret and not is_valid_siret(siret):
            raise ValidationError(
                {
                    "siret": _(
                        "“%(value)s” is not a valid SIRET: 14 digits with a correct check key."
                    )
                    % {"value": value}
                },
                code="invalid",
            )
        return siret
    if field == "description":
        return sanitize_html(value or "")
    if field == "is_member":
        return bool(value)
    if field == "logo":
        validate_logo(value)
        return value or ""
    if field in {"latitude", "longitude", "geocoded_at"}:
        return value
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


def clean_field(field: str, value):
    """One field's value as the services would store it; ValidationError (message) if not."""
    try:
        return _clean_value(field, value)
    except ValidationError as error:
        raise ValidationError(error.message_dict.get(field, error.messages)) from None


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


def _record(org, changes: dict, *, author, source, note="") -> OrganisationRevision | None:
    if not changes:
        return None
    author = author if getattr(author, "is_authenticated", False) else None
    return OrganisationRevision.objects.create(
        organisation=org, author=author, source=source, changes=changes, note=note[:300]
    )


# --- organisations ------------------------------------------------------------------


def _unique_slug(org: Organisation) -> str:
    commune_name = org.commune.name if org.commune_id else ""
    base = slugify(f"{org.name}-{commune_name}")[:200].strip("-") or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exclude(pk=org.pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _apply(org: Organisation, data: dict) -> tuple[dict, list[Category] | None]:
    """Set the fields in `data` on `org`; return the changes and the new categories (or None)."""
    unknown = set(data) - set(EDITABLE_FIELDS) - {"categories"}
    if unknown:
        raise ValueError(f"Not editable through services: {sorted(unknown)}")
    errors: dict[str, list] = {}
    cleaned: dict = {}
    for field, value in data.items():
        if field == "categories":
            continue
        try:
            cleaned[field] = _clean_value(field, value)
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
        old_slugs = sorted(org.categories.values_list("slug", flat=True)) if org.pk else []
        new_slugs = sorted({c.slug for c in categories})
        if old_slugs != new_slugs:
            changes["categories"] = [old_slugs, new_slugs]
    return changes, categories


def _validate_model(org: Organisation) -> None:
    errors: dict[str, list] = {}
    if not (org.name or "").strip():
        errors["name"] = [_("The name is required.")]
    try:
        org.full_clean(
            exclude=["slug", "commune", "categories", "logo", "name"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if org.siret:
        clash = Organisation.objects.filter(siret=org.siret).exclude(pk=org.pk).first()
        if clash:
            errors.setdefault("siret", []).append(
                _("This SIRET is already used by “%(name)s”.") % {"name": clash.name}
            )
    if errors:
        raise ValidationError(errors)


def _save(org: Organisation, changes: dict, categories, *, author, source, note, created):
    if not org.slug:  # kept on renames, so that shared links keep working
        org.slug = _unique_slug(org)
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
    if (
        changes.keys() & ADDRESS_FIELDS
        and org.geo_precision != GeoPrecision.MANUAL
        and (org.address or org.commune_id or org.postcode)
    ):
        from .tasks import geocode_organisation

        org_id = org.pk
        transaction.on_commit(lambda: geocode_organisation.delay(org_id))
    return org


@transaction.atomic
def create_organisation(
    data: dict, *, author=None, source=OrganisationRevision.Source.STAFF, note=""
) -> Organisation:
    """Create an organisation from field values; records a revision listing what was set."""
    org = Organisation()
    changes, categories = _apply(org, data)
    _validate_model(org)
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
    changes, categories = _apply(org, data)
    if not changes:
        return org
    _validate_model(org)
    return _save(org, changes, categories, author=author, source=source, note=note, created=False)


def check_organisation_data(data: dict, org: Organisation | None = None) -> None:
    """Raise the ValidationError that creating (or updating `org`) with `data` would raise."""
    target = Organisation.objects.get(pk=org.pk) if org is not None else Organisation()
    _apply(target, data)
    _validate_model(target)


def archive_organisation(org: Organisation, *, author=None, note="") -> Organisation:
    return update_organisation(
        org, {"status": Organisation.Status.ARCHIVED}, author=author, note=note
    )


def find_duplicate(*, name: str, commune_code: str | None, siret: str = "") -> Organisation | None:
    """The organisation these details designate: same SIRET first, then same name + commune."""
    siret = normalise_siret(siret or "")
    if siret:
        found = Organisation.objects.filter(siret=siret).first()
        if found:
            return found
    if not (name or "").strip():
        return None
    key = match_key_for(name, commune_code or None)
    return Organisation.objects.filter(match_key=key).order_by("pk").first()


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
    changes, _categories = _apply(org, data)
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
        note=_("Geocoding: %(label)s") % {"label": location.label},
    )
    return org


# --- people -------------------------------------------------------------------------

PERSON_FIELDS = ("first_name", "last_name", "email", "phone")


def _clean_person(data: dict) -> dict:
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"Not editable through services: {sorted(unknown)}")
    cleaned = {k: (v or "").strip() for k, v in data.items()}
    if "email" in cleaned:
        cleaned["email"] = cleaned["email"].lower()
        if cleaned["email"]:
            try:
                EmailValidator()(cleaned["email"])
            except ValidationError:
                raise ValidationError(
                    {
                        "email": _("“%(value)s” is not a valid email address.")
                        % {"value": data["email"]}
                    }
                ) from None
    return cleaned


def check_person_data(data: dict) -> None:
    """Raise the ValidationError that these contact details would raise."""
    _clean_person(data)


def _check_email_free(email: str, person: Person | None) -> None:
    if not email:
        return
    clash = Person.objects.filter(email=email)
    if person is not None and person.pk:
        clash = clash.exclude(pk=person.pk)
    if clash.exists():
        raise ValidationError(
            {"email": _("Another contact already has this email address.")}, code="duplicate"
        )


@transaction.atomic
def create_person(data: dict) -> Person:
    """A new contact; refuses an email another contact already has (use find_or_create_person)."""
    cleaned = _clean_person(data)
    if not (cleaned.get("first_name") or cleaned.get("last_name") or cleaned.get("email")):
        raise ValidationError(_("Give at least a name or an email address."))
    _check_email_free(cleaned.get("email", ""), None)
    return Person.objects.create(**cleaned)


@transaction.atomic
def update_person(person: Person, data: dict) -> Person:
    cleaned = _clean_person(data)
    _check_email_free(cleaned.get("email", ""), person)
    for field, value in cleaned.items():
        setattr(person, field, value)
    if not (person.first_name or person.last_name or person.email):
        raise ValidationError(_("Give at least a name or an email address."))
    person.save()
    return person


def find_or_create_person(
    *, email: str, first_name: str = "", last_name: str = "", phone: str = ""
) -> tuple[Person, bool]:
    """The contact with this email (case-blind), created if new; fills only empty fields."""
    cleaned = _clean_person(
        {"email": email, "first_name": first_name, "last_name": last_name, "phone": phone}
    )
    email = cleaned["email"]
    if not email:
        return create_person(cleaned), True
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(email=email).first()
        created = False
        if person is None:
            try:
                with transaction.atomic():
                    person = Person.objects.create(**cleaned)
                created = True
            except IntegrityError:
                person = Person.objects.select_for_update().get(email=email)
        if not created:
            missing = {f: v for f, v in cleaned.items() if v and not getattr(person, f)}
            if missing:
                for field, value in missing.items():
                    setattr(person, field, value)
                person.save(update_fields=[*missing, "updated_at"])
    return person, created


@transaction.atomic
def affiliate(
    person: Person, org: Organisation, *, role: str = "", is_representative: bool = False
) -> Affiliation:
    """Link a person to an organisation; never downgrades an existing representative."""
    affiliation, created = Affiliation.objects.select_for_update().get_or_create(
        person=person,
        organisation=org,
        defaults={"role": (role or "").strip(), "is_representative": is_representative},
    )
    if not created:
        fields = []
        if role and affiliation.role != role.strip():
            affiliation.role = role.strip()
            fields.append("role")
        if is_representative and not affiliation.is_representative:
            affiliation.is_representative = True
            fields.append("is_representative")
        if fields:
            affiliation.save(update_fields=fields)
    return affiliation


@transaction.atomic
def update_affiliation(affiliation: Affiliation, *, role: str, is_representative: bool):
    affiliation.role = (role or "").strip()
    affiliation.is_representative = bool(is_representative)
    affiliation.save(update_fields=["role", "is_representative"])
    return affiliation


@transaction.atomic
def remove_affiliation(affiliation: Affiliation) -> None:
    affiliation.delete()


def record_consent(
    person: Person,
    *,
    purpose: str,
    method: str,
    wording: str = "",
    source: str = "",
    given: bool = True,
    at=None,
) -> Consent:
    """Keep what a person agreed to (or withdrew), when, how, and the wording they saw."""
    if purpose not in Consent.Purpose.values:
        raise ValidationError({"purpose": _("Unknown consent purpose.")})
    if method not in Consent.Method.values:
        raise ValidationError({"method": _("Unknown way of collecting consent.")})
    return Consent.objects.create(
        person=person,
        purpose=purpose,
        method=method,
        wording=wording or "",
        source=(source or "")[:200],
        given=bool(given),
        at=at or timezone.now(),
    )
