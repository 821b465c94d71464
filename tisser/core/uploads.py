"""Images uploaded from the rich-text editor: who may upload, and the checks and
resizing on the server (Pillow) before anything is stored.

An image is decoded, turned upright (EXIF orientation), shrunk to at most
`TISSER_EDITOR_IMAGE_MAX_SIDE` pixels a side and re-encoded (JPEG, or PNG when it has
transparency): what is stored is never the uploaded bytes, so no metadata (GPS position
of a phone photo) and nothing but pixels survives.

Who may upload is decided by the apps that know people: each registers a rule with
`allow_uploads` (accounts: staff; directory: verified representatives). Core knows no
domain, so with no rule registered nobody may upload.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import EditorImage

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
MAX_PIXELS = 50_000_000  # a decoded 50-megapixel image is ~150 MB of memory: enough
ALT_MAX = 300

_RULES: list[Callable] = []


def allow_uploads(rule: Callable) -> Callable:
    """Register `rule(user) -> bool`: one rule saying yes is enough."""
    if rule not in _RULES:
        _RULES.append(rule)
    return rule


def may_upload(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and any(rule(user) for rule in _RULES)


def max_bytes() -> int:
    return int(getattr(settings, "TISSER_EDITOR_IMAGE_MAX_BYTES", 10 * 1024 * 1024))


def max_side() -> int:
    return int(getattr(settings, "TISSER_EDITOR_IMAGE_MAX_SIDE", 1600))


def daily_limit() -> int:
    return int(getattr(settings, "TISSER_EDITOR_IMAGES_PER_DAY", 100))


def _decode(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("This file is not an image we can read.")) from None
    except Image.DecompressionBombError:
        raise ValidationError(_("This image is too large (too many pixels).")) from None
    if kind not in ACCEPTED_FORMATS:
        raise ValidationError(_("Only JPEG, PNG, GIF and WebP images are accepted."))
    if width * height > MAX_PIXELS:
        raise ValidationError(_("This image is too large (too many pixels)."))
    try:
        image = Image.open(io.BytesIO(data))
        image.load()  # the first frame of an animation
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not an image we can read.")) from None
    return image


def _encode(image: Image.Image) -> tuple[bytes, str, Image.Image]:
    image = ImageOps.exif_transpose(image)
    image.thumbnail((max_side(), max_side()), Image.Resampling.LANCZOS)
    transparent = image.mode in ("RGBA", "LA") or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    if transparent:
        image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "png", image
    image = image.convert("RGB")
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), "jpg", image


def store_image(upload, *, alt: str, user) -> EditorImage:
    """Check, resize, re-encode and store one uploaded image; ValidationError (a message
    for the person) when refused. Nothing is stored then."""
    if not may_upload(user):
        raise ValidationError(_("You may not upload images."))
    alt = " ".join((alt or "").split())[:ALT_MAX]
    if "\x00" in alt:
        raise ValidationError(_("The description contains a character that is not allowed."))
    since = timezone.now() - timedelta(days=1)
    limit = daily_limit()
    if EditorImage.objects.filter(uploaded_by=user, uploaded_at__gte=since).count() >= limit:
        raise ValidationError(
            ngettext(
                "You have uploaded %(n)d image in the last 24 hours, the most allowed.",
                "You have uploaded %(n)d images in the last 24 hours, the most allowed.",
                limit,
            )
            % {"n": limit}
        )
    if upload is None or not upload.size:
        raise ValidationError(_("Choose an image first."))
    if upload.size > max_bytes():
        raise ValidationError(
            _("The image is larger than %(size)s.") % {"size": filesizeformat(max_bytes())}
        )
    data = upload.read(max_bytes() + 1)
    content, extension, image = _encode(_decode(data))
    row = EditorImage(
        alt=alt, width=image.width, height=image.height, size=len(content), uploaded_by=user
    )
    row.file.save(f"{secrets.token_urlsafe(12)}.{extension}", ContentFile(content), save=False)
    row.save()
    return row
