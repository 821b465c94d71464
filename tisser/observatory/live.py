"""Indicators computed live from Tisser's own data (never stored): published actors,
actors per 10,000 inhabitants, member organisations, actors of each category.

Each is a `LiveIndicator` with the same reading surface as a stored indicator
(`queries.IndicatorInfo`); the year is the current one, since the directory holds the
present state only. Event participants join this list once the events app has landed:
add an entry to `live_indicators()` that counts registrations by the organisation's
commune (observatory may import events; events never imports observatory).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.directory.models import Category, Organisation
from tisser.territories.models import Commune, Departement, Epci, Region

from .models import Level, Theme

PREFIX = "tisser-"
TERRITORY_FIELD = {
    Level.REGION: "commune__region_id",
    Level.DEPARTEMENT: "commune__departement_id",
    Level.EPCI: "commune__epci_id",
    Level.COMMUNE: "commune_id",
}


@dataclass
class LiveIndicator:
    slug: str
    name: str
    unit: str
    kind: str  # "count", "per10k", "members", "category"
    category_id: int | None = None
    decimals: int = 0
    theme: str = Theme.ESS
    is_live: bool = True
    is_demo: bool = False
    description: str = ""

    @property
    def source(self) -> str:
        return _("Tisser directory (published actors), computed live")

    @property
    def licence(self) -> str:
        return ""

    def get_theme_display(self) -> str:
        return str(Theme(self.theme).label)

    def years(self, level: str) -> list[int]:
        return [timezone.localdate().year]

    def values(self, level: str, year: int | None = None) -> dict[str, float]:
        field = TERRITORY_FIELD[level]
        qs = Organisation.objects.filter(status=Organisation.Status.PUBLISHED).exclude(
            **{f"{field}__isnull": True}
        )
        if self.kind == "members":
            qs = qs.filter(is_member=True)
        if self.kind == "category":
            qs = qs.filter(categories=self.category_id)
        counts = dict(
            qs.values(code=F(field)).annotate(n=Count("id", distinct=True)).values_list("code", "n")
        )
        if self.kind != "per10k":
            return {code: float(n) for code, n in counts.items()}
        population = populations(level)
        return {
            code: round(10_000 * n / population[code], 2)
            for code, n in counts.items()
            if population.get(code)
        }


def populations(level: str) -> dict[str, int]:
    model = {
        Level.REGION: Region,
        Level.DEPARTEMENT: Departement,
        Level.EPCI: Epci,
        Level.COMMUNE: Commune,
    }[level]
    return dict(model.objects.exclude(population=None).values_list("code", "population"))


def live_indicators() -> list[LiveIndicator]:
    found = [
        LiveIndicator(f"{PREFIX}acteurs", _("ESS actors in the directory"), _("actors"), "count"),
        LiveIndicator(
            f"{PREFIX}acteurs-pour-10000-habitants",
            _("ESS actors per 10,000 inhabitants"),
            _("actors per 10,000 inhabitants"),
            "per10k",
            decimals=2,
        ),
        LiveIndicator(
            f"{PREFIX}adherents", _("Member organisations of the network"), _("members"), "members"
        ),
    ]
    for category in Category.objects.all():
        found.append(
            LiveIndicator(
                f"{PREFIX}categorie-{category.slug}",
                _("Actors: %(category)s") % {"category": category.name},
                _("actors"),
                "category",
                category_id=category.pk,
            )
        )
    return found


def get_live(slug: str) -> LiveIndicator | None:
    if not slug.startswith(PREFIX):
        return None
    return next((i for i in live_indicators() if i.slug == slug), None)
