"""Territories in the JSON API: régions, départements and communes (INSEE codes)."""

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from tisser.core.api import Pagination
from tisser.core.text import fold

from .models import Commune, Departement, Region

router = Router(tags=["territories"])


class RegionOut(Schema):
    code: str
    name: str
    population: int | None


class DepartementOut(Schema):
    code: str
    name: str
    region: str
    population: int | None

    @staticmethod
    def resolve_region(row):
        return row.region_id


class CommuneOut(Schema):
    code: str
    name: str
    departement: str
    region: str
    epci: str | None
    population: int | None
    postcodes: list[str]
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_departement(row):
        return row.departement_id

    @staticmethod
    def resolve_region(row):
        return row.region_id

    @staticmethod
    def resolve_epci(row):
        return row.epci_id

    @staticmethod
    def resolve_postcodes(row):
        return row.postcode_list


class CommuneFilters(Schema):
    departement: str | None = Field(None, max_length=3, description="A département code.")
    q: str | None = Field(None, max_length=100, description="The start of a commune's name.")


@router.get("/territories/regions/", response=list[RegionOut], url_name="regions")
def regions(request):
    return Region.objects.only("code", "name", "population").order_by("name")


@router.get("/territories/departements/", response=list[DepartementOut], url_name="departements")
def departements(request):
    return Departement.objects.only("code", "name", "region_id", "population").order_by("code")


COMMUNE_FIELDS = (
    "code", "name", "departement_id", "region_id", "epci_id", "population", "postcodes",
    "latitude", "longitude",
)  # fmt: skip


@router.get("/territories/communes/", response=list[CommuneOut], url_name="communes")
@paginate(Pagination)
def communes(request, filters: Query[CommuneFilters]):
    """In INSEE code order."""
    rows = Commune.objects.only(*COMMUNE_FIELDS).order_by("code")
    if filters.departement:
        rows = rows.filter(departement_id=filters.departement)
    if filters.q and (name := fold(filters.q)):
        rows = rows.filter(search_name__startswith=name)
    return rows


@router.get("/territories/communes/{code}/", response=CommuneOut, url_name="commune")
def commune(request, code: str):
    found = Commune.objects.only(*COMMUNE_FIELDS).filter(code=code).first()
    if found is None:
        raise HttpError(404, _("No commune has this INSEE code."))
    return found
