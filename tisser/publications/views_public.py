"""Public pages: articles (with RSS/Atom), resources, the newsletter archive and web
versions, and the email services' tracking webhook (bounces)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from tisser.accounts.roles import is_staff_editor
from tisser.core.html import jsonld_script_body

from . import queries
from .models import Article, Newsletter, Resource, ResourceCategory, Rubric
from .rendering import web_version


def articles(request):
    rubric = None
    if request.GET.get("rubrique"):
        rubric = Rubric.objects.filter(slug=request.GET["rubrique"]).first()
    page = Paginator(queries.published_articles(rubric), 12).get_page(request.GET.get("page"))
    return render(
        request,
        "publications/articles.html",
        {"page": page, "rubrics": Rubric.objects.all(), "rubric": rubric},
    )


def article_jsonld(item: Article, page_url: str) -> dict:
    """schema.org NewsArticle: what a search engine or a reader app needs to cite it."""
    network = {"@type": "Organization", "name": settings.NETWORK_NAME, "url": settings.SITE_URL}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": page_url,
        "url": page_url,
        "mainEntityOfPage": page_url,
        "headline": item.title[:110],
        "articleSection": item.rubric.name,
        "author": {"@type": "Person", "name": item.author} if item.author else network,
        "publisher": network,
        "dateModified": item.updated_at.isoformat(),
        "image": settings.SITE_URL + (item.image.url if item.image else static("core/partage.png")),
    }
    if item.published_at:
        data["datePublished"] = item.published_at.isoformat()
        data["dateModified"] = max(item.updated_at, item.published_at).isoformat()
    if description := item.summary or strip_tags(item.body).strip()[:300]:
        data["description"] = description
    return data


def article(request, slug):
    item = get_object_or_404(Article.objects.select_related("rubric"), slug=slug)
    if not item.is_public and not is_staff_editor(request.user):
        raise Http404
    page_url = settings.SITE_URL + item.get_absolute_url()
    return render(
        request,
        "publications/article.html",
        {"article": item, "jsonld": jsonld_script_body(article_jsonld(item, page_url))},
    )


class ArticlesRss(Feed):
    """The latest published articles. Each entry says when it was last changed and who
    wrote it (the network when no author is named), as Atom (RFC 4287) requires."""

    title = _("News")
    description = _("The network's latest news")

    def author_name(self):
        return settings.NETWORK_NAME

    def item_author_name(self, item):
        return item.author or settings.NETWORK_NAME

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at) if item.published_at else item.updated_at

    def link(self):
        from django.urls import reverse

        return reverse("publications:articles")

    def items(self):
        return queries.published_articles()[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.body

    def item_pubdate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.rubric.name]


class ArticlesAtom(ArticlesRss):
    feed_type = Atom1Feed
    subtitle = ArticlesRss.description


def resources(request):
    category = None
    if request.GET.get("categorie"):
        category = ResourceCategory.objects.filter(slug=request.GET["categorie"]).first()
    q = (request.GET.get("q") or "").strip()
    rows = queries.visible_resources(request.user, q=q, category=category)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "publications/resources.html",
        {"page": page, "categories": ResourceCategory.objects.all(), "category": category, "q": q},
    )


def resource(request, slug):
    item = get_object_or_404(
        Resource.objects.select_related("category"), slug=slug, is_published=True
    )
    allowed = queries.can_open_resource(request.user, item)
    if request.GET.get("ouvrir") and allowed:
        if item.file:
            return HttpResponseRedirect(item.file.url)
        if item.url:
            return HttpResponseRedirect(item.url)
    return render(request, "publications/resource.html", {"resource": item, "allowed": allowed})


def archive(request):
    page = Paginator(queries.archive(), 24).get_page(request.GET.get("page"))
    return render(request, "publications/archive.html", {"page": page})


def newsletter_web(request, slug):
    newsletter = get_object_or_404(Newsletter, slug=slug)
    if newsletter.status != Newsletter.Status.PUBLISHED and not is_staff_editor(request.user):
        raise Http404
    return HttpResponse(web_version(newsletter))


ESP_VIEWS = {
    "brevo": "anymail.webhooks.brevo.BrevoTrackingWebhookView",
    "mailgun": "anymail.webhooks.mailgun.MailgunTrackingWebhookView",
    "mailjet": "anymail.webhooks.mailjet.MailjetTrackingWebhookView",
    "postmark": "anymail.webhooks.postmark.PostmarkTrackingWebhookView",
    "sendgrid": "anymail.webhooks.sendgrid.SendGridTrackingWebhookView",
    "amazon_ses": "anymail.webhooks.amazon_ses.AmazonSESTrackingWebhookView",
}


@csrf_exempt
def anymail_tracking(request, esp):
    """django-anymail's tracking webhook for one email service (its basic-auth secret in
    settings.ANYMAIL["WEBHOOK_SECRET"]); events reach `sending.bounces.on_tracking_event`."""
    from django.utils.module_loading import import_string

    if esp not in ESP_VIEWS:
        raise Http404
    return import_string(ESP_VIEWS[esp]).as_view()(request)
