"""Checks and normalisation of the values written to an organisation.

Used by `services` (which re-exports the public names) and by forms and imports, so that
every door gives the same message for the same mistake.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tisser.core.html import sanitize_html
from tisser.core.text import fold
from tisser.territories.models import Commune

from .models import Category
from .siret import is_valid_siret, normalise_siret

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


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
    return find_communes([(text, postcode)])[(text, postcode)]


def find_communes(typed) -> dict[tuple[str, str], Commune | None]:
    """`find_commune` for many (text, postcode) pairs (an import's batch): two queries,
    one for the INSEE codes and one for the names, whatever their number."""
    pairs = {(t or "", p or ""): ((t or "").strip(), (p or "").strip()) for t, p in typed}
    codes = {text.upper() for text, _p in pairs.values() if _COMMUNE_CODE.match(text)}
    by_code = Commune.objects.in_bulk(list(codes)) if codes else {}
    found, by_name = {}, {}
    for pair, (text, postcode) in pairs.items():
        if not text:
            found[pair] = None
        elif _COMMUNE_CODE.match(text) and (by_code.get(text.upper()) or not postcode):
            found[pair] = by_code.get(text.upper())
        else:
            departement = ""
            if match := _NAME_WITH_DEPARTEMENT.match(text):
                text, departement = match.group(1), match.group(2).upper()
            by_name[pair] = (fold(text), departement, postcode)
    candidates: dict[str, list[Commune]] = {}
    if by_name:
        names = list({name for name, _d, _p in by_name.values()})
        for commune in Commune.objects.filter(search_name__in=names):
            candidates.setdefault(commune.search_name, []).append(commune)
    for pair, (name, departement, postcode) in by_name.items():
        among = candidates.get(name, [])
        if departement:
            among = [c for c in among if c.departement_id == departement]
        among = among[:50]
        if postcode:
            by_postcode = [c for c in among if postcode in c.postcode_list]
            if by_postcode:
                among = by_postcode
            elif len(postcode) == 5:
                among = [c for c in among if c.departement_id == postcode[:2]] or among
        found[pair] = among[0] if len(among) == 1 else None
    return found


def resolve_categories(values: Iterable) -> list[Category]:
    """Categories from Category objects or slugs; ValidationError naming any unknown slug."""
    objects = [v for v in values if isinstance(v, Category)]
    slugs = [str(v).strip() for v in values if not isinstance(v, Category) and str(v).strip()]
    found = {c.slug: c for c in Category.objects.filter(slug__in=slugs)} if slugs else {}
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


def clean_value(field: str, value):
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
        return clean_value(field, value)
    except ValidationError as error:
        raise ValidationError(error.message_dict.get(field, error.messages)) from None
