"""Writes to people: contacts, their roles in organisations, and their consents.

Public through `services` (import them from there). A person is found by email,
lower-cased, and never duplicated.
"""

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core.imports import bulk
from tisser.core.upsert import from_row, insert_returning, new_instance, written_by
from tisser.directory.models import Affiliation, Consent, Organisation, Person, PersonEvent
from tisser.directory.people_keys import person_keys

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
def update_person(person: Person, data: dict, *, by=None) -> Person:
    """Change a contact's details, on the locked row: an edit that comes after a merge
    took the record away is refused, never saved as a new record."""
    cleaned = _clean_person(data)
    locked = Person.objects.select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise ValidationError(
            _("This record was merged into another one meanwhile: nothing was changed.")
        )
    person = locked
    _check_email_free(cleaned.get("email", ""), person)
    changed = [field for field, value in cleaned.items() if getattr(person, field) != value]
    for field, value in cleaned.items():
        setattr(person, field, value)
    if not (person.first_name or person.last_name or person.email):
        raise ValidationError(_("Give at least a name or an email address."))
    person.save(force_update=True)
    if changed:  # the history says which fields, never their values (nothing to erase)
        PersonEvent.objects.create(
            person=person,
            author=by if getattr(by, "is_authenticated", False) else None,
            action=PersonEvent.Action.EDITED,
            detail={"fields": changed},
        )
    return person


def link_verified_account(user) -> Person | None:
    """Link an account to the contact with the same address, once its owner proved the
    address (`accounts.signals.email_verified`): never before, when anyone could have typed
    it, and never over another account. The person's verified links then give their
    rights; their claims still give none."""
    email = (getattr(user, "email", "") or "").strip().lower()
    if not email or not getattr(user, "email_verified", False):
        return None
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(email=email, user=None).first()
        if person is None or Person.objects.filter(user=user).exists():
            return None
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    return person


def find_or_create_person(
    *, email: str, first_name: str = "", last_name: str = "", phone: str = ""
) -> tuple[Person, bool]:
    """The contact with this email (case-blind), created if new; fills only empty fields.

    One statement, no savepoint: an upsert on the unique email (`INSERT … ON CONFLICT
    DO UPDATE`), so two simultaneous forms with one address make one contact. It bypasses
    `Person.save()`: a field `save()` derives must be written here too."""
    person, created, _joined = upsert_person(
        email=email, first_name=first_name, last_name=last_name, phone=phone
    )
    return person, created


def _upsert_conflict() -> str:
    """A contact met again keeps what it has and gets only the blanks filled (its
    `updated_at` moves only then)."""
    fill = ("first_name", "last_name", "phone")
    table = Person._meta.db_table
    kept = [
        f'"{f}" = CASE WHEN {table}."{f}" = \'\' THEN excluded."{f}" ELSE {table}."{f}" END'
        for f in fill
    ]
    filled = " OR ".join(f"({table}.\"{f}\" = '' AND excluded.\"{f}\" <> '')" for f in fill)
    return (
        '("email") WHERE NOT ("email" = \'\') DO UPDATE SET '
        + ", ".join(kept)
        + f', "updated_at" = CASE WHEN {filled} THEN excluded."updated_at" '
        f'ELSE {table}."updated_at" END'
    )


_UPSERT_CONFLICT = _upsert_conflict()
_UPSERT_RETURNING = (
    "id",
    "first_name",
    "last_name",
    "phone",
    "user_id",
    "created_at",
    "name_key",
    "phone_key",
)


def upsert_person(
    *, email: str, first_name: str = "", last_name: str = "", phone: str = "", joined=None
) -> tuple[Person, bool, tuple]:
    """`find_or_create_person`, with `joined`, a read run in the same statement
    (`upsert.insert_returning`): its columns come third (empty without it, or without
    an email, when the contact is created apart)."""
    cleaned = _clean_person(
        {"email": email, "first_name": first_name, "last_name": last_name, "phone": phone}
    )
    if not cleaned["email"]:
        return create_person(cleaned), True, ()
    matching = person_keys(
        first_name=cleaned["first_name"], last_name=cleaned["last_name"], phone=cleaned["phone"]
    )
    person = new_instance(Person, **cleaned, **matching)
    columns = _UPSERT_RETURNING
    row = insert_returning(person, conflict=_UPSERT_CONFLICT, returning=columns, joined=joined)
    if written_by(person, "created_at", row[5]):
        # The row is the one sent: the instance is it (the upsert gave it its key).
        return person, True, tuple(row[len(columns) :])
    found = from_row(
        Person,
        person._state.db,
        {**dict(zip(columns[:5], row[:5], strict=True)), "email": cleaned["email"]},
    )
    if (keys := _keys_of(found)) != {"name_key": row[6], "phone_key": row[7]}:
        # Blanks just filled change the matching keys: rare, so one more statement then.
        Person.objects.filter(pk=found.pk).update(**keys)
    return found, False, tuple(row[len(columns) :])


def _verify(affiliation: Affiliation, by) -> None:
    """Staff vouch for the link: verified now, by them (a pending claim is settled)."""
    if affiliation.status != Affiliation.Status.VERIFIED or affiliation.claims_representation:
        affiliation.reviewed_at = timezone.now()
        affiliation.reviewed_by = by if getattr(by, "is_authenticated", False) else None
        affiliation.reviewed_by_person = None
    affiliation.status = Affiliation.Status.VERIFIED
    affiliation.claim_nonce = ""


@transaction.atomic
def affiliate(
    person: Person,
    org: Organisation,
    *,
    role: str = "",
    is_representative: bool = False,
    by=None,
) -> Affiliation:
    """Staff link a person to an organisation: a verified link, by `by` (a pending claim
    is settled by it). Never downgrades an existing representative. Public forms, payments,
    registrations and imports only claim a link: `services_claims.claim`."""
    affiliation, created = Affiliation.objects.select_for_update().get_or_create(
        person=person,
        organisation=org,
        defaults={
            "role": (role or "").strip(),
            "source": Affiliation.Source.STAFF,
            "reviewed_by": by if getattr(by, "is_authenticated", False) else None,
            "reviewed_at": timezone.now(),
        },
    )
    if role and affiliation.role != role.strip():
        affiliation.role = role.strip()
    _verify(affiliation, by)
    if is_representative:
        affiliation.is_representative = True
    if is_representative or affiliation.is_representative:
        affiliation.claims_representation = False
    affiliation.save()
    return affiliation


@transaction.atomic
def update_affiliation(affiliation: Affiliation, *, role: str, is_representative: bool, by=None):
    """Staff change a role. Making someone representative verifies the link; a claim
    that only has its role corrected stays a claim."""
    affiliation = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
    affiliation.role = (role or "").strip()
    if is_representative:
        _verify(affiliation, by)
        affiliation.claims_representation = False
    affiliation.is_representative = bool(is_representative)
    affiliation.save()
    return affiliation


def combine_affiliations(keep: Affiliation, other: Affiliation) -> list[str]:
    """When two records merge, one link keeps the stronger facts of both: verified over
    claimed, representative over not, a role over none. Returns the changed fields (the
    caller saves `keep` and deletes `other`)."""
    changed = []
    if not keep.role and other.role:
        keep.role = other.role
        changed.append("role")
    rank = {Affiliation.Status.VERIFIED: 2, Affiliation.Status.CLAIMED: 1}
    if rank.get(other.status, 0) > rank.get(keep.status, 0):
        for field in ("status", "source", "reviewed_at", "reviewed_by", "reviewed_by_person"):
            setattr(keep, field, getattr(other, field))
            changed.append(field)
    if other.is_representative and not keep.is_representative:
        keep.is_representative = True
        changed.append("is_representative")
    wants = (keep.claims_representation or other.claims_representation) and not (
        keep.is_representative
    )
    if wants != keep.claims_representation:
        keep.claims_representation = wants
        changed.append("claims_representation")
    if wants and not keep.claim_nonce:
        for field in ("claimed_at", "claim_email", "claim_detail", "claim_language", "claim_nonce"):
            setattr(keep, field, getattr(other, field))
            changed.append(field)
    return changed


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


def _keys_of(person: Person) -> dict:
    return person_keys(first_name=person.first_name, last_name=person.last_name, phone=person.phone)


def find_or_create_people(people: list[dict]) -> dict[str, Person]:
    """`find_or_create_person` for a batch of an import: the contacts by email, existing
    ones found in one query (only their empty fields filled), new ones created in one
    INSERT. Each dict holds `email` and optionally names and phone; raises ValidationError
    (with `.index`, the failing item's rank) on an invalid address.

    Bulk writes skip `Person.save()`: a field it derives must be filled here too."""
    wanted: dict[str, dict] = {}
    for index, data in enumerate(people):
        try:
            cleaned = _clean_person(data)
        except ValidationError as error:
            error.index = index  # the failing item's rank, for an import's line number
            raise
        if cleaned.get("email"):
            wanted.setdefault(cleaned["email"], cleaned)
    found = {p.email: p for p in Person.objects.filter(bulk.among("email", wanted))}
    changed, fields = [], set()
    for email, person in found.items():
        missing = {f: v for f, v in wanted[email].items() if v and not getattr(person, f)}
        if missing:
            for field, value in missing.items():
                setattr(person, field, value)
            fields.update(missing)
            changed.append(person)
    if changed:
        now = timezone.now()
        for person in changed:
            person.updated_at = now
            for key, value in _keys_of(person).items():
                setattr(person, key, value)
        keys = list(_keys_of(changed[0]))
        bulk.update(Person, changed, [*sorted(fields), *keys, "updated_at"])
    new = [Person(**data) for email, data in wanted.items() if email not in found]
    for person in new:
        for key, value in _keys_of(person).items():
            setattr(person, key, value)
    if new:
        # Another process may have added one of them meantime: that one is read back.
        found.update((p.email, p) for p in bulk.insert_new(Person, new))
        if rest := [p.email for p in new if p.pk is None]:
            found.update((p.email, p) for p in Person.objects.filter(bulk.among("email", rest)))
    return found


def record_consents(consents: list[dict]) -> list[Consent]:
    """`record_consent` for many people at once (an import's batch), in one INSERT."""
    rows = []
    purposes, methods = set(Consent.Purpose.values), set(Consent.Method.values)
    for data in consents:
        if data["purpose"] not in purposes:
            raise ValidationError({"purpose": _("Unknown consent purpose.")})
        if data["method"] not in methods:
            raise ValidationError({"method": _("Unknown way of collecting consent.")})
        rows.append(
            Consent(
                person_id=data["person"].pk,
                purpose=data["purpose"],
                method=data["method"],
                wording=data.get("wording") or "",
                source=(data.get("source") or "")[:200],
                given=bool(data.get("given", True)),
                at=data.get("at") or timezone.now(),
            )
        )
    return bulk.insert(Consent, rows)
