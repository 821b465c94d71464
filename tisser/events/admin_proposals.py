"""Admin of the shared agenda's inputs: calls for proposals (created here) and, read-only
in practice, event proposals (moderated on the staff page)."""

from django.contrib import admin

from .models_proposals import CallForProposals, CallSubmission, EventProposal


class CallSubmissionInline(admin.TabularInline):
    model = CallSubmission
    extra = 0
    readonly_fields = ("name", "email", "organisation_name", "theme", "venue", "message")
    exclude = ("ip_hash",)


@admin.register(CallForProposals)
class CallForProposalsAdmin(admin.ModelAdmin):
    list_display = ("title", "event", "kind", "is_open", "closes_at")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("event",)
    inlines = [CallSubmissionInline]


@admin.register(EventProposal)
class EventProposalAdmin(admin.ModelAdmin):
    list_display = ("event", "organisation", "status", "created_at")
    list_filter = ("status",)
    readonly_fields = ("event", "organisation", "proposed_by", "proposer_email", "ip_hash")
