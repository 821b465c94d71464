"""Admin: the observatory's data shown read-only (its writes go through the services)."""

from django.contrib import admin

from .models import Indicator, Shortlist, SupplierProfile


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(ReadOnly):
    list_display = ("name", "theme", "unit", "is_published", "is_demo", "updated_at")
    list_filter = ("theme", "is_published", "is_demo")


@admin.register(SupplierProfile)
class SupplierProfileAdmin(ReadOnly):
    list_display = ("organisation", "naf_code", "is_siae", "is_ea", "is_esat", "is_esus")
    search_fields = ("organisation__name", "naf_code")


@admin.register(Shortlist)
class ShortlistAdmin(ReadOnly):
    list_display = ("name", "owner", "created_at")
