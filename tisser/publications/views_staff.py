"""Staff pages: home, the composer, preview, test send, campaigns with live progress,
subscriber import. Thin: forms check, services write."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tisser.accounts.decorators import staff_editor_required

from . import queries, services, sources
from .forms_staff import (
    ArticleForm,
    BlockForm,
    ImportForm,
    NewsletterForm,
    ResourceForm,
    TestSendForm,
)
from .models import Article, Block, Campaign, Newsletter, Resource
from .rendering import email_parts, newsletter_context, sent_issue, web_version


def _errors(error: ValidationError) -> list[str]:
    return error.messages


@staff_editor_required
def home(request):
    return render(
        request,
        "publications/staff/home.html",
        {
            "newsletters": Newsletter.objects.select_related("mailing_list")[:30],
            "campaigns": Campaign.objects.select_related("mailing_list")[:10],
            "lists": queries.list_counts(),
            "articles": Article.objects.select_related("rubric")[:30],
            "resources": Resource.objects.select_related("category")[:30],
        },
    )


@staff_editor_required
def newsletter_create(request):
    form = NewsletterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            newsletter = services.create_newsletter(
                mailing_list=data.pop("mailing_list"),
                title=data.pop("title"),
                subject=data.pop("subject"),
                **data,
            )
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            return redirect("publications:composer", pk=newsletter.pk)
    return render(request, "publications/staff/newsletter_form.html", {"form": form})


def _event_choices(newsletter: Newsletter):
    """Events of the agenda from the issue's date on (an issue announces what follows it)."""
    try:
        events = list(sources.upcoming_events(start=newsletter.issue_date)[:200])
    except ImportError:
        return []
    return [
        (
            str(e.pk),
            f"{e.title} — {formats.date_format(e.first_starts_at, 'j F Y') if getattr(e, 'first_starts_at', None) else ''}",
        )
        for e in events
    ]


def _block_items(form: BlockForm, block: Block | None, newsletter: Newsletter) -> list | None:
    data = form.cleaned_data
    kind = data["kind"]
    if kind in (Block.Kind.EVENT, Block.Kind.AGENDA) and data.get("events"):
        return sources.event_items([int(i) for i in data["events"]], start=newsletter.issue_date)
    if kind == Block.Kind.ARTICLE and data.get("articles"):
        return sources.article_items([a.pk for a in data["articles"]])
    if kind == Block.Kind.RESOURCE and data.get("resources"):
        return sources.resource_items([r.pk for r in data["resources"]])
    if kind == Block.Kind.MEMBERS and data.get("members_since"):
        return sources.new_member_items(data["members_since"])
    return None if block is not None else []


def _save_block(request, newsletter: Newsletter, block: Block | None):
    form = BlockForm(request.POST or None, instance=block, event_choices=_event_choices(newsletter))
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in BlockForm.Meta.fields}
        items = _block_items(form, block, newsletter)
        if items is not None:
            data["items"] = items
        try:
            if block is None:
                services.add_block(newsletter, data)
            else:
                services.update_block(block, data)
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("The block is saved."))
            return redirect("publications:composer", pk=newsletter.pk), form
    return None, form


@staff_editor_required
def composer(request, pk):
    newsletter = get_object_or_404(Newsletter.objects.select_related("mailing_list"), pk=pk)
    form = NewsletterForm(request.POST or None, instance=newsletter)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_newsletter(newsletter, form.cleaned_data)
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("The newsletter is saved."))
            return redirect("publications:composer", pk=newsletter.pk)
    newsletter.refresh_from_db()
    return render(
        request,
        "publications/staff/composer.html",
        {
            "newsletter": newsletter,
            "form": form,
            "block_form": BlockForm(event_choices=_event_choices(newsletter)),
            "context": newsletter_context(newsletter),
            "campaigns": newsletter.campaigns.all(),
            "test_form": TestSendForm(),
            "sent": sent_issue(newsletter),
        },
    )


@staff_editor_required
def block_add(request, pk):
    newsletter = get_object_or_404(Newsletter, pk=pk)
    response, form = _save_block(request, newsletter, None)
    if response:
        return response
    return render(
        request, "publications/staff/block_form.html", {"form": form, "newsletter": newsletter}
    )


@staff_editor_required
def block_edit(request, pk):
    block = get_object_or_404(Block.objects.select_related("newsletter"), pk=pk)
    response, form = _save_block(request, block.newsletter, block)
    if response:
        return response
    return render(
        request,
        "publications/staff/block_form.html",
        {"form": form, "newsletter": block.newsletter, "block": block},
    )


@staff_editor_required
@require_POST
def block_move(request, pk):
    block = get_object_or_404(Block, pk=pk)
    try:
        services.move_block(block, -1 if request.POST.get("direction") == "up" else 1)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    return redirect("publications:composer", pk=block.newsletter_id)


@staff_editor_required
@require_POST
def block_delete(request, pk):
    block = get_object_or_404(Block, pk=pk)
    newsletter_id = block.newsletter_id
    try:
        services.delete_block(block)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The block is deleted."))
    return redirect("publications:composer", pk=newsletter_id)


@staff_editor_required
def preview(request, pk):
    newsletter = get_object_or_404(Newsletter, pk=pk)
    parts = email_parts(newsletter)
    return render(
        request,
        "publications/staff/preview.html",
        {"newsletter": newsletter, "text": parts["text"], "test_form": TestSendForm()},
    )


@staff_editor_required
def preview_frame(request, pk):
    newsletter = get_object_or_404(Newsletter, pk=pk)
    response = HttpResponse(web_version(newsletter))
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@staff_editor_required
@require_POST
def test_send(request, pk):
    newsletter = get_object_or_404(Newsletter, pk=pk)
    form = TestSendForm(request.POST)
    if form.is_valid():
        try:
            sent = services.send_test(newsletter, form.cleaned_data["addresses"])
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(
                request,
                ngettext(
                    "Test sent to %(count)d address.", "Test sent to %(count)d addresses.", sent
                )
                % {"count": sent},
            )
    else:
        messages.error(request, _("Give the addresses to send the test to."))
    return redirect("publications:preview", pk=newsletter.pk)


def _chosen_segment(data):
    """The saved segment a send is narrowed by (`segment`), or None for the whole list."""
    from tisser.core.params import identifier
    from tisser.directory.models import Segment

    segment_id = identifier(data, "segment")
    return get_object_or_404(Segment, pk=segment_id) if segment_id else None


@staff_editor_required
def campaign_start(request, pk):
    """Send an issue: first the confirmation (audience, count, sender, subject), then,
    when its form is posted, the campaign. The form's one-time key makes a second post of
    the same confirmation start nothing. The send may be narrowed by a saved segment
    (`segment`): the confirmation then counts the list's subscribers in it."""
    from tisser.directory.contacts.queries_segments import saved_segments

    newsletter = get_object_or_404(Newsletter.objects.select_related("mailing_list"), pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    segment = _chosen_segment(data)
    key = request.POST.get("confirmation_key", "") if request.method == "POST" else ""
    problems = []
    if key:
        try:
            campaign, started = services.send_newsletter(
                newsletter, user=request.user, confirmation_key=key, segment=segment
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            if started:
                messages.success(request, _("The campaign has started."))
            else:
                messages.info(
                    request,
                    _(
                        "This issue is already being sent, or this confirmation was already "
                        "used: nothing more was sent."
                    ),
                )
            return redirect("publications:campaign", pk=campaign.pk)
    tree = None
    if segment is not None:
        try:
            tree = services.segment_tree(segment)
        except ValidationError as error:
            problems += _errors(error)
    from tisser.directory.contacts.queries_segments import planned_for_segments

    with planned_for_segments():
        overview = queries.send_overview(newsletter, segment=segment, segment_tree=tree)
    try:
        parts = email_parts(newsletter)
        services.check_merge_tags(parts["subject"], parts["html"], parts["text"])
    except ValidationError as error:
        problems += _errors(error)
    return render(
        request,
        "publications/staff/campaign_confirm.html",
        {
            "newsletter": newsletter,
            "overview": overview,
            "problems": problems,
            "confirmation_key": secrets.token_urlsafe(24),
            "segments": saved_segments(),
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_editor_required
def campaign(request, pk):
    item = get_object_or_404(Campaign.objects.select_related("mailing_list", "newsletter"), pk=pk)
    return render(
        request,
        "publications/staff/campaign.html",
        {"campaign": item, "stats": queries.campaign_stats(item)},
    )


@staff_editor_required
def campaign_progress(request, pk):
    item = get_object_or_404(Campaign, pk=pk)
    return render(
        request,
        "publications/staff/_campaign_progress.html",
        {"campaign": item, "stats": queries.campaign_stats(item)},
    )


@staff_editor_required
@require_POST
def campaign_action(request, pk):
    item = get_object_or_404(Campaign, pk=pk)
    action = request.POST.get("action")
    if action == "pause":
        services.pause_campaign(item)
    elif action == "resume":
        services.resume_campaign(item)
    elif action == "cancel":
        services.cancel_campaign(item)
    return redirect("publications:campaign", pk=item.pk)


@staff_editor_required
def subscriber_import(request):
    """Upload: the file is kept on a job and checked; the preview is the job's page."""
    from tisser.core.imports.models import ImportJob

    from . import imports

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload is None:
            form.add_error("file", _("Choose a file."))
        else:
            try:
                job = imports.start_import(
                    upload.name, upload, form.cleaned_data["mailing_list"], author=request.user
                )
            except imports.ImportRefused as error:
                form.add_error("file", str(error))
            else:
                return redirect("core:import_detail", pk=job.pk)
    recent = ImportJob.objects.filter(kind=imports.KIND)[:10]
    return render(
        request,
        "publications/staff/import.html",
        {"form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


def _edit(request, form_class, save, instance, template_name, done_message):
    form = form_class(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form_class.Meta.fields}
        try:
            save(data, instance)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    for e in errors:
                        form.add_error(field if field in form.fields else None, e)
            else:
                for message in error.messages:
                    form.add_error(None, message)
        else:
            messages.success(request, done_message)
            return redirect("publications:staff_home")
    return render(request, template_name, {"form": form, "object": instance})


@staff_editor_required
def article_edit(request, pk=None):
    article = get_object_or_404(Article, pk=pk) if pk else None
    return _edit(
        request,
        ArticleForm,
        lambda data, obj: services.save_article(data, article=obj),
        article,
        "publications/staff/article_form.html",
        _("The article is saved."),
    )


@staff_editor_required
def resource_edit(request, pk=None):
    resource = get_object_or_404(Resource, pk=pk) if pk else None
    return _edit(
        request,
        ResourceForm,
        lambda data, obj: services.save_resource(data, resource=obj),
        resource,
        "publications/staff/resource_form.html",
        _("The resource is saved."),
    )


@staff_editor_required
def suppressions(request):
    """The suppression list: look up, add an address; lifting one is for administrators."""
    from django.core.paginator import Paginator

    from tisser.accounts.roles import is_staff_admin

    from . import services_subscribers as subscribers
    from .forms_staff import SuppressionForm
    from .models import Suppression

    form = SuppressionForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("lift"):
            if not is_staff_admin(request.user):
                messages.error(request, _("Only an administrator may lift a suppression."))
            else:
                row = Suppression.objects.filter(pk=request.POST["lift"]).first()
                if row is not None:
                    subscribers.lift_suppression(row)
                    messages.success(
                        request, _("%(email)s may receive emails again.") % {"email": row.email}
                    )
            return redirect("publications:suppressions")
        if form.is_valid():
            subscribers.suppress(
                form.cleaned_data["email"],
                reason=Suppression.Reason.MANUAL,
                detail=form.cleaned_data["detail"],
            )
            messages.success(request, _("The address is on the suppression list."))
            return redirect("publications:suppressions")
    q = (request.GET.get("q") or "").strip().lower()
    rows = Suppression.objects.all()
    if q:
        rows = rows.filter(email__contains=q)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "publications/staff/suppressions.html",
        {"form": form, "page": page, "q": q, "can_lift": is_staff_admin(request.user)},
    )
