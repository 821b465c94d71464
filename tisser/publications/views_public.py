"""Public pages: articles (with RSS/Atom), resources, the newsletter archive and web
versions, and the email services' tracking webhook (bounces)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from tisser.directory.permissions import is_staff_editor

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


def article(request, slug):
    item = get_object_or_404(Article.objects.select_related("rubric"), slug=slug)
    if not item.is_public and not is_staff_editor(request.user):
        raise Http404
    return render(request, "publications/article.html", {"article": item})


class ArticlesRss(Feed):
    title = _("News")
    description = _("The network's latest news")

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
