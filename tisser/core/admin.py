"""Import jobs in the admin: shown and filtered; run from the staff pages."""

from django.contrib import admin

from .imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "created_at", "created_by", "status", "total", "done"]
    list_filter = ["kind", "status"]
    exclude = ["preview", "errors"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
