"""Read-only admin views of the governance data: writes go through the services. Ballots
are not listed at all (the admin is no way round the secret)."""

from django.contrib import admin

from .models import Assembly, Motion, Participation, Proxy, Voter
from .models_groups import WorkingGroup


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assembly)
class AssemblyAdmin(ReadOnly):
    list_display = ("title", "kind", "starts_at", "status")


@admin.register(Voter)
class VoterAdmin(ReadOnly):
    list_display = ("organisation", "assembly", "weight", "is_active", "present_at")
    list_filter = ("assembly",)


@admin.register(Proxy)
class ProxyAdmin(ReadOnly):
    list_display = ("giver", "holder", "assembly")


@admin.register(Motion)
class MotionAdmin(ReadOnly):
    list_display = ("title", "assembly", "kind", "status")


@admin.register(Participation)
class ParticipationAdmin(ReadOnly):
    list_display = ("voter", "motion", "channel")
    list_filter = ("motion",)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    """Groups are simple: staff create and edit them here (members join on the site)."""

    list_display = ("name", "kind", "referent", "is_open")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ()
    raw_id_fields = ("referent",)
