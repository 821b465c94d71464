"""Territories in the admin: browse and search only.

The rows come from `load_territories` and `refresh_territories`, which would overwrite a
hand edit at the next run: the admin therefore shows them read-only.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tisser.core.text import fold

from .models import Commune, Departement, Epci, Region


class ReferenceAdmin(admin.ModelAdmin):
    exclude = ["outline"]  # long GeoJSON text: `has_outline` says whether there is one

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description=_("outline"))
    def has_outline(self, obj):
        return bool(obj.outline)


@admin.register(Region)
class RegionAdmin(ReferenceAdmin):
    list_display = ["code", "name", "population", "has_outline"]
    search_fields = ["code", "name", "search_name"]


@admin.register(Departement)
class DepartementAdmin(ReferenceAdmin):
    list_display = ["code", "name", "region", "population", "has_outline"]
    list_filter = ["region"]
    search_fields = ["code", "name", "search_name"]


@admin.register(Epci)
class EpciAdmin(ReferenceAdmin):
    exclude = []
    list_display = ["code", "name", "kind", "population"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "search_name"]


@admin.register(Commune)
class CommuneAdmin(ReferenceAdmin):
    list_display = [
        "code",
        "name",
        "departement",
        "postcodes",
        "population",
        "has_centre",
        "has_outline",
    ]
    list_filter = ["region", "departement"]
    search_fields = ["=code", "search_name", "postcodes"]
    list_select_related = ["departement"]
    show_full_result_count = False

    @admin.display(boolean=True, description=_("centre"))
    def has_centre(self, obj):
        return obj.latitude is not None and obj.longitude is not None

    def get_search_results(self, request, queryset, search_term):
        """Names are searched folded ("beziers" finds "Béziers"); codes as typed ("2A004")."""
        if not any(ch.isdigit() for ch in search_term):
            search_term = fold(search_term)
        return super().get_search_results(request, queryset, search_term)
