"""Django admin for the contacts base.

The category taxonomy is edited here. Organisations, people, consents, revisions and
imports are shown read-only: their writes carry business rules (de-duplication, history,
sanitising, geocoding) and go through the staff pages, which call the services.
"""

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    Affiliation,
    Category,
    Consent,
    Organisation,
    OrganisationRevision,
    Person,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "color", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ["name", "slug"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, searched and filtered here; changed on the staff pages."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    fields = [
        "person",
        "organisation",
        "role",
        "is_representative",
        "status",
        "source",
        "claimed_at",
        "reviewed_at",
        "created_at",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PersonAffiliationInline(AffiliationInline):
    fk_name = "person"  # not `reviewed_by_person`


class RevisionInline(admin.TabularInline):
    model = OrganisationRevision
    extra = 0
    fields = ["at", "author", "source", "changes", "display_note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "commune",
        "legal_form",
        "status",
        "is_member",
        "geo_precision",
        "staff_page",
    ]
    list_filter = ["status", "is_member", "legal_form", "geo_precision", "categories"]
    search_fields = ["name", "siret", "email", "commune__name"]
    list_select_related = ["commune"]
    inlines = [AffiliationInline, RevisionInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("staff page"))
    def staff_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("directory:staff_detail", args=[obj.pk]), _("open")
        )


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "email", "phone", "user"]
    search_fields = ["first_name", "last_name", "email", "phone"]
    inlines = [PersonAffiliationInline]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["person", "purpose", "given", "at", "method", "source"]
    list_filter = ["purpose", "given", "method"]
    search_fields = ["person__email", "person__last_name", "source"]
    date_hierarchy = "at"


@admin.register(OrganisationRevision)
class OrganisationRevisionAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "at", "author", "source", "display_note"]
    list_filter = ["source"]
    search_fields = ["organisation__name", "note"]
    date_hierarchy = "at"

    def has_delete_permission(self, request, obj=None):
        return False
