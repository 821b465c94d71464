"""Django admin for memberships.

Colleges and membership years are edited here. Fee rules, memberships, payments and
reminders are shown read-only: their writes carry rules (the member flag on the map,
one membership per year, payments known once) and go through the staff pages.
"""

from django.contrib import admin

from tisser.directory.admin import ReadOnlyAdmin

from .models import College, FeeRule, Membership, MembershipYear, Payment, Reminder


@admin.register(College)
class CollegeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "vote_weight", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(MembershipYear)
class MembershipYearAdmin(admin.ModelAdmin):
    list_display = ["year", "starts_on", "ends_on"]


@admin.register(FeeRule)
class FeeRuleAdmin(ReadOnlyAdmin):
    list_display = ["label", "year", "legal_form", "workforce", "amount", "allows_free_amount"]
    list_filter = ["year"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "year", "college", "status", "source", "validated_at"]
    list_filter = ["year", "status", "college", "source"]
    search_fields = ["organisation__name"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["membership", "amount", "method", "paid_on", "external_id"]
    list_filter = ["method"]
    search_fields = ["external_id", "reference", "membership__organisation__name"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "year", "kind", "email", "sent_at"]
    list_filter = ["kind", "year"]
