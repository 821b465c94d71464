"""The observatory in the JSON API: published indicators and their values per territory."""

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from tisser.core.api import Pagination

from . import queries
from .models import IndicatorValue, Level

router = Router(tags=["observatory"])


class IndicatorOut(Schema):
    slug: str
    name: str
    theme: str
    unit: str
    source: str
    licence: str
    description: str


class ValueOut(Schema):
    level: str
    code: str
    year: int
    value: float


class ValueFilters(Schema):
    level: Literal[tuple(Level.values)] | None = None  # type: ignore[valid-type]
    year: int | None = Field(None, ge=1900, le=2200)
    code: str | None = Field(None, max_length=9, description="A territory's INSEE code.")


@router.get("/indicators/", response=list[IndicatorOut], url_name="indicators")
def indicators(request):
    """Published indicators."""
    return queries.published_indicators().order_by("name")


@router.get("/indicators/{slug}/values/", response=list[ValueOut], url_name="indicator_values")
@paginate(Pagination)
def indicator_values(request, slug: str, filters: Query[ValueFilters]):
    indicator = queries.published_indicators().filter(slug=slug).first()
    if indicator is None:
        raise HttpError(404, _("No published indicator has this slug."))
    rows = IndicatorValue.objects.filter(indicator=indicator).order_by("level", "code", "year")
    if filters.level:
        rows = rows.filter(level=filters.level)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.code:
        rows = rows.filter(code=filters.code)
    return rows.only("level", "code", "year", "value")
