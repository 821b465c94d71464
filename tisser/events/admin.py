"""Django admin for events: kinds, events with their sessions, programme, questions and
attachments, and workshops. Saving an event goes through `services.save_event` (the
description sanitised, registrants told of a change of place or link); registrations are
read-only here: their writes move place counters and go through the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tisser.events.staff import editing

from .models import (
    Event,
    EventAttachment,
    EventKind,
    ProgrammeItem,
    Question,
    Registration,
    Session,
    Workshop,
)


@admin.register(EventKind)
class EventKindAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ("name",)}


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "starts_at", "ends_at", "commune", "capacity", "taken"]
    readonly_fields = ["taken"]
    autocomplete_fields = ["commune"]


class ProgrammeInline(admin.TabularInline):
    model = ProgrammeItem
    extra = 0
    fields = ["session", "starts_at", "ends_at", "title", "choose_workshop"]
    show_change_link = True


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "text", "kind", "choices", "required"]


class AttachmentInline(admin.TabularInline):
    model = EventAttachment
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "commune", "taken", "max_participants"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["commune", "organisers", "partners"]
    filter_horizontal = ["eligible_categories"]
    readonly_fields = ["taken"]
    inlines = [SessionInline, ProgrammeInline, QuestionInline, AttachmentInline]
    actions = ["cancel_events", "recount"]

    def save_model(self, request, obj, form, change):
        editing.save_event(obj, changed_fields=form.changed_data if change else None)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Session and change and formset.has_changed():
            editing.notify_event_changed(form.instance)

    @admin.action(description=_("Cancel and tell the registrants"))
    def cancel_events(self, request, queryset):
        for event in queryset:
            editing.cancel_event(event)

    @admin.action(description=_("Recount the places taken"))
    def recount(self, request, queryset):
        for event in queryset:
            editing.recount_places(event)


class WorkshopInline(admin.TabularInline):
    model = Workshop
    extra = 0
    fields = ["position", "title", "capacity", "taken"]
    readonly_fields = ["taken"]


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "starts_at", "choose_workshop"]
    list_filter = ["event"]
    inlines = [WorkshopInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["person", "event", "session", "status", "tier", "price", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["person__email", "person__last_name", "organisation__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


from . import admin_proposals  # noqa: E402,F401  (calls for proposals, event proposals)
