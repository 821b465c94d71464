"""Checking imported rows: for each, what would happen (create, update) or why it cannot.

The checks are the services' own (SIRET, commune, coordinates, email, categories…), run
without saving, so the preview and the commit always agree.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tisser.core.text import fold
from tisser.directory.contacts import services, services_batch

from ..indexing import match_key_for
from ..models import Category, LegalForm, Organisation, WorkforceBand
from ..siret import normalise_siret

# import header -> Organisation field
FIELD_OF = {
    "nom": "name",
    "forme_juridique": "legal_form",
    "siret": "siret",
    "adresse": "address",
    "code_postal": "postcode",
    "commune": "commune",
    "latitude": "latitude",
    "longitude": "longitude",
    "site_web": "website",
    "email": "email",
    "telephone": "phone",
    "categories": "categories",
    "description": "description",
    "effectif": "workforce",
    "adherent": "is_member",
}
CONTACT_OF = {
    "contact_prenom": "first_name",
    "contact_nom": "last_name",
    "contact_email": "email",
    "contact_telephone": "phone",
}
YES = {"oui", "o", "yes", "y", "1", "true", "vrai", "x", "adherent"}
NO = {"non", "n", "no", "0", "false", "faux", ""}


def _choice(value: str, choices, label: str) -> str:
    folded = fold(value)
    for key, text in choices:
        if folded in {fold(key), fold(str(text))}:
            return key
    raise ValidationError(
        _("unknown %(what)s “%(value)s” (expected: %(expected)s)")
        % {"what": label, "value": value, "expected": ", ".join(k for k, _t in choices)}
    )


def _categories(value: str, known: dict) -> list:
    wanted = [v.strip() for v in value.replace(";", ",").replace("|", ",").split(",") if v.strip()]
    found, unknown = [], []
    for item in wanted:
        category = known.get(fold(item))
        (found if category else unknown).append(category or item)
    if unknown:
        raise ValidationError(_("unknown category: %(names)s") % {"names": ", ".join(unknown)})
    return found


def commune_of(text: str, postcode: str, cache: dict):
    """The commune a row names. Communes repeat across rows: ask the database once per
    (name, postcode), or once per batch for all of them (`read_communes`)."""
    key = ("commune", text.strip().lower(), postcode.strip())
    if key not in cache:
        cache[key] = services.find_commune(text, postcode)
    return cache[key]


def read_communes(pairs, cache: dict) -> None:
    """Put the communes of a batch's (text, postcode) pairs in `cache` at once (two queries
    for the batch; `row_to_data` then finds them there)."""
    wanted = {}
    for text, postcode in pairs:
        key = ("commune", (text or "").strip().lower(), (postcode or "").strip())
        if text and key not in cache:
            wanted[key] = (text, postcode or "")
    if wanted:
        found = services.find_communes(wanted.values())
        for key, pair in wanted.items():
            cache[key] = found[pair]


def row_to_data(values: dict, lookups: dict) -> tuple[dict, dict, list[str]]:
    """Organisation data, contact data and the errors of one row (empty cells are left out)."""
    data, contact, errors = {}, {}, []
    for header, field in FIELD_OF.items():
        value = (values.get(header) or "").strip()
        if not value and field != "name":
            continue
        try:
            if field == "legal_form":
                value = _choice(value, LegalForm.choices, _("legal form"))
            elif field == "workforce":
                value = _choice(value, WorkforceBand.choices, _("workforce band"))
            elif field == "is_member":
                if fold(value) not in YES | NO:
                    raise ValidationError(
                        _("“adherent” must be oui or non, not “%(value)s”") % {"value": value}
                    )
                value = fold(value) in YES
            elif field == "categories":
                value = _categories(value, lookups)
            elif field == "commune":
                commune = commune_of(value, values.get("code_postal", ""), lookups)
                if commune is None:
                    raise ValidationError(_("unknown commune “%(value)s”") % {"value": value})
                value = commune
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        data[field] = value
    for header, field in CONTACT_OF.items():
        if value := (values.get(header) or "").strip():
            contact[field] = value
    if role := (values.get("contact_role") or "").strip():
        contact["role"] = role
    representative = fold(values.get("contact_representant") or "")
    if representative not in YES | NO:
        errors.append(
            _("“contact_representant” must be oui or non, not “%(value)s”")
            % {"value": values.get("contact_representant")}
        )
    elif representative in YES:
        contact["is_representative"] = True
    if contact and not contact.get("email"):
        errors.append(_("the contact person needs an email address (contact_email)"))
    return data, contact, errors


def _messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    out = []
    for field, messages in error.message_dict.items():
        if field == "__all__":
            out.extend(messages)
            continue
        try:
            label = str(Organisation._meta.get_field(field).verbose_name)
        except Exception:
            label = field
        out.extend(
            # Translators: a field's name, then what is wrong with it ("SIRET: …").
            _("%(field)s: %(message)s") % {"field": label, "message": m}
            for m in messages
        )
    return out


def check_row(
    row: dict, lookups: dict, seen: dict, find=None, *, parsed=None, known=None, full=True
) -> dict:
    """What would happen to one row: `{"line", "action", "name", "target", "messages"}`.

    `find` replaces `services.find_duplicate` and `known` the per-row queries of the
    checks (a batch looks them up at once, see `batch_finder`); `parsed` is the row's
    `row_to_data` when already made. `full=False` (the run, after a check without errors)
    leaves out the services' checks, which the writer makes again anyway."""
    values = row["values"]
    result = {"line": row["line"], "name": values.get("nom", ""), "target": None, "messages": []}
    data, contact, errors = parsed if parsed is not None else row_to_data(values, lookups)
    errors = list(errors)
    if not data.get("name"):
        errors.append(_("the name (column “nom”) is missing"))
    if full and contact.get("email"):
        try:
            services.check_person_data(
                {k: v for k, v in contact.items() if k not in {"role", "is_representative"}}
            )
        except ValidationError as error:
            errors.extend(
                _("%(field)s: %(message)s") % {"field": "contact_email", "message": m}
                for m in _messages(error)
            )
    commune = data.get("commune")
    target = None
    if data.get("name"):
        target = (find or services.find_duplicate)(
            name=data["name"],
            commune_code=commune.code if commune else None,
            siret=str(data.get("siret", "")),
        )
        if full:
            try:
                services.check_organisation_data(data, target, known)
            except ValidationError as error:
                errors.extend(_messages(error))
        key = normalise_siret(str(data.get("siret", ""))) or match_key_for(
            data["name"], commune.code if commune else None
        )
        if key in seen:
            errors.append(_("same organisation as line %(line)s") % {"line": seen[key]})
        else:
            seen[key] = row["line"]
    archived = Organisation.Status.ARCHIVED
    if target is not None and contact and data.get("status", target.status) == archived:
        errors.append(
            _("“%(name)s” is archived: no contact can be linked to it") % {"name": target.name}
        )
    result["messages"] = errors
    result["data"], result["contact"] = data, contact
    if errors:
        result["action"] = "error"
    elif target is not None:
        result["action"] = "update"
        result["target"] = target.pk
        result["target_name"] = target.name
    else:
        result["action"] = "create"
    return result


def known_categories() -> dict:
    """Lookups for one file: categories by folded slug and name (communes are added as met)."""
    known = {}
    for category in Category.objects.all():
        known[fold(category.slug)] = category
        known[fold(category.name)] = category
    return known


def batch_finder(parsed: list[tuple]):
    """`find_duplicate` for a batch of rows (`parsed`: their `row_to_data`), answered from
    two queries (SIRETs, then normalised name + commune) instead of two per row; with the
    batch's `services_batch.BatchLookups` (the found organisations' categories read at once)."""
    from tisser.core.imports import bulk

    sirets, keys = set(), set()
    for data, _contact, _errors in parsed:
        if siret := normalise_siret(str(data.get("siret", ""))):
            sirets.add(siret)
        if data.get("name"):
            commune = data.get("commune")
            keys.add(match_key_for(data["name"], commune.code if commune else None))
    known = services_batch.BatchLookups(sirets=sirets)
    by_siret, by_key = known.siret_holders, {}
    if keys:
        for org in Organisation.objects.filter(bulk.among("match_key", keys)).order_by("-pk"):
            by_key[org.match_key] = org  # the lowest pk wins, as in find_duplicate
    known.read_categories({o.pk for o in (*by_siret.values(), *by_key.values())})

    def find(*, name: str, commune_code: str | None, siret: str = ""):
        siret = normalise_siret(siret or "")
        if siret and siret in by_siret:
            return by_siret[siret]
        if not (name or "").strip():
            return None
        return by_key.get(match_key_for(name, commune_code or None))

    return find, known
