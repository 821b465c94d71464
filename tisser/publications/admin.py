"""Django admin for publications (staff use the pages under /gestion/publications/)."""

from django.contrib import admin

from .models import (
    Article,
    Block,
    Campaign,
    Delivery,
    MailingList,
    Newsletter,
    Resource,
    ResourceCategory,
    Rubric,
    Subscription,
    Suppression,
)


@admin.register(MailingList)
class MailingListAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_public", "position")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("person", "mailing_list", "status", "origin", "confirmed_at")
    list_filter = ("mailing_list", "status", "origin")
    search_fields = ("person__email",)
    raw_id_fields = ("person", "consent")


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ("email", "reason", "at")
    list_filter = ("reason",)
    search_fields = ("email",)


@admin.register(Rubric, ResourceCategory)
class NamedAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "rubric", "status", "published_at")
    list_filter = ("rubric", "status")
    search_fields = ("title",)


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "kind", "members_only", "is_published")
    list_filter = ("category", "kind", "members_only")


class BlockInline(admin.StackedInline):
    model = Block
    extra = 0


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ("title", "mailing_list", "issue_date", "status")
    inlines = [BlockInline]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("subject", "mailing_list", "status", "total", "started_at", "finished_at")
    readonly_fields = ("html_template", "text_template")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("email", "campaign", "status", "sent_at")
    list_filter = ("status",)
    search_fields = ("email", "message_id")
    raw_id_fields = ("campaign", "person")
