"""Writes of segments: saving a named set of conditions, deleting it."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tisser.directory import segments
from tisser.directory.models_segments import Segment


def save_segment(name: str, conditions, *, user=None, segment: Segment | None = None) -> Segment:
    """Create (or, given `segment`, replace) a named segment after checking its
    conditions; raises ValidationError with a message for people."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the segment a name."))
    if len(name) > 150:
        raise ValidationError(_("The name is too long (150 characters at most)."))
    if "\x00" in name:
        raise ValidationError(_("A value holds a NUL character."))
    try:
        tree = segments.parse(conditions)
    except segments.SegmentError as error:
        raise ValidationError(error.message) from error
    description = segments.describe(tree)[:1000]
    try:
        with transaction.atomic():
            if segment is None:
                segment = Segment.objects.create(
                    name=name, conditions=tree, description=description, created_by=user
                )
            else:
                segment.name, segment.conditions, segment.description = name, tree, description
                segment.save()
    except IntegrityError as error:
        raise ValidationError(
            _("A segment named “%(name)s” already exists.") % {"name": name}
        ) from error
    return segment


def delete_segment(segment: Segment) -> None:
    segment.delete()
