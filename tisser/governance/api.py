"""Assemblies in the JSON API: those convened or held, and the results of closed votes."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from tisser.core.api import Pagination

from . import queries

router = Router(tags=["assemblies"])


class AssemblyOut(Schema):
    slug: str
    title: str
    kind: str
    status: str
    starts_at: dt.datetime
    place: str
    url: str

    @staticmethod
    def resolve_url(row):
        return settings.SITE_URL + reverse("governance:assembly", args=[row.slug])


class MotionOut(Schema):
    title: str
    kind: str
    status: str
    closed_at: dt.datetime | None
    results: dict[str, Any] | None

    @staticmethod
    def resolve_results(row):
        return queries.closed_results(row)


class AssemblyDetail(AssemblyOut):
    motions: list[MotionOut]

    @staticmethod
    def resolve_motions(row):
        return list(queries.motions_with_results(row))


@router.get("/assemblies/", response=list[AssemblyOut], url_name="assemblies")
@paginate(Pagination)
def assemblies(request):
    """Convened and closed assemblies, newest first."""
    return queries.public_assemblies()


@router.get("/assemblies/{slug}/", response=AssemblyDetail, url_name="assembly")
def assembly(request, slug: str):
    """An assembly with its motions; a closed vote carries its published results."""
    found = queries.public_assemblies().filter(slug=slug).first()
    if found is None:
        raise HttpError(404, _("No assembly has this slug."))
    return found
