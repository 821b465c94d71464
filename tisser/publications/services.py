"""Writes of publications: the composer (newsletters and blocks), campaigns, articles
and resources. Subscribers are in `services_subscribers.py`, imports in `imports.py`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tisser.core.html import sanitize_html

from . import mergetags
from .models import (
    Article,
    Block,
    Campaign,
    MailingList,
    Newsletter,
    Resource,
    SentIssue,
)

BLOCK_FIELDS = (
    "kind",
    "section",
    "title",
    "subtitle",
    "body",
    "cta_label",
    "cta_url",
    "in_toc",
    "toc_label",
    "items",
)


def unique_slug(model, text: str, *, exclude_pk=None) -> str:
    base = slugify(text)[:180] or "publication"
    slug, n = base, 2
    rows = model.objects.all()
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    while rows.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def check_merge_tags(*texts: str) -> None:
    unknown = list(dict.fromkeys(tag for text in texts for tag in mergetags.unknown_tags(text)))
    if unknown:
        raise ValidationError(
            _("Unknown merge tags: %(tags)s. Known: %(known)s.")
            % {
                "tags": ", ".join(unknown),
                "known": ", ".join(
                    f"{{{{ contact.{name} }}}}"
                    for name in ("EMAIL", "FIRSTNAME", "LASTNAME", "ORGANISATION")
                ),
            }
        )


# --- the composer -----------------------------------------------------------------------


def ensure_editable(newsletter: Newsletter) -> None:
    """A sent issue stays as its recipients received it: its blocks and texts no longer
    change (see `freeze_issue`)."""
    sent = SentIssue.objects.filter(newsletter_id=newsletter.pk).only("sent_at").first()
    if sent is not None:
        raise ValidationError(
            _(
                "This issue was sent on %(date)s: it stays as its recipients received it. "
                "Start a new issue to say something else."
            )
            % {"date": formats.date_format(timezone.localtime(sent.sent_at), "j F Y")}
        )


@transaction.atomic
def create_newsletter(*, mailing_list: MailingList, title: str, subject: str = "", **fields):
    newsletter = Newsletter(
        mailing_list=mailing_list,
        title=title.strip(),
        subject=(subject or title).strip(),
        slug=unique_slug(Newsletter, fields.pop("slug", "") or title),
        **fields,
    )
    check_merge_tags(newsletter.subject, newsletter.intro, newsletter.closing)
    newsletter.full_clean()
    newsletter.save()
    return newsletter


@transaction.atomic
def update_newsletter(newsletter: Newsletter, data: dict) -> Newsletter:
    ensure_editable(newsletter)
    for field in ("title", "subject", "preheader", "issue_date", "intro", "toc_title", "closing"):
        if field in data:
            setattr(newsletter, field, data[field])
    check_merge_tags(newsletter.subject, newsletter.intro, newsletter.closing)
    newsletter.full_clean()
    newsletter.save()
    return newsletter


def _clean_block(block: Block, data: dict) -> Block:
    unknown = set(data) - set(BLOCK_FIELDS)
    if unknown:
        raise ValueError(f"Not block fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(block, field, value)
    block.body = sanitize_html(block.body or "")
    check_merge_tags(block.title, block.subtitle, block.body, block.cta_label)
    block.full_clean(exclude=["newsletter"])
    return block


@transaction.atomic
def add_block(newsletter: Newsletter, data: dict, *, position: int | None = None) -> Block:
    ensure_editable(newsletter)
    if position is None:
        last = newsletter.blocks.aggregate(m=Max("position"))["m"]
        position = 0 if last is None else last + 1
    block = _clean_block(Block(newsletter=newsletter, position=position), data)
    block.save()
    return block


@transaction.atomic
def update_block(block: Block, data: dict) -> Block:
    ensure_editable(block.newsletter)
    _clean_block(block, data)
    block.save()
    return block


@transaction.atomic
def delete_block(block: Block) -> None:
    ensure_editable(block.newsletter)
    block.delete()


@transaction.atomic
def move_block(block: Block, offset: int) -> None:
    """Move a block up (-1) or down (+1) among its newsletter's blocks."""
    ensure_editable(block.newsletter)
    blocks = list(Newsletter.objects.select_for_update().get(pk=block.newsletter_id).blocks.all())
    index = next(i for i, b in enumerate(blocks) if b.pk == block.pk)
    target = max(0, min(len(blocks) - 1, index + offset))
    blocks.insert(target, blocks.pop(index))
    for position, item in enumerate(blocks):
        if item.position != position:
            Block.objects.filter(pk=item.pk).update(position=position)


@transaction.atomic
def publish_newsletter(newsletter: Newsletter) -> Newsletter:
    """Put the issue in the public archive (its web version becomes public)."""
    if newsletter.status != Newsletter.Status.PUBLISHED:
        newsletter.status = Newsletter.Status.PUBLISHED
        newsletter.published_at = timezone.now()
        newsletter.save(update_fields=["status", "published_at"])
    return newsletter


# --- campaigns --------------------------------------------------------------------------


def freeze_issue(newsletter: Newsletter, *, parts: dict | None = None, at=None) -> SentIssue:
    """Keep the issue as it goes out: subject, HTML and text of the email (`parts`, as
    just rendered for the send) and the web version, rendered at the same moment. The
    first send of an issue freezes it; later sends, and its web version, read what was
    kept. Call inside the send's transaction, the newsletter row locked."""
    from .rendering import render_email, render_web

    sent = SentIssue.objects.filter(newsletter_id=newsletter.pk).first()
    if sent is not None:
        return sent
    parts = parts or render_email(newsletter)
    return SentIssue.objects.create(
        newsletter=newsletter,
        sent_at=at or timezone.now(),
        subject=parts["subject"],
        html=parts["html"],
        text=parts["text"],
        web_html=render_web(newsletter),
    )


@transaction.atomic
def create_campaign(
    newsletter: Newsletter, *, user=None, messages_per_second: float = 0
) -> Campaign:
    return Campaign.objects.create(
        newsletter=newsletter,
        mailing_list=newsletter.mailing_list,
        subject=newsletter.subject,
        messages_per_second=messages_per_second,
        created_by=user,
    )


def send_newsletter(
    newsletter: Newsletter,
    *,
    user=None,
    confirmation_key: str = "",
    messages_per_second: float = 0,
    segment=None,
) -> tuple[Campaign, bool]:
    """Send an issue, as confirmed by staff: create the campaign and start it in one
    transaction, so a refusal (an unknown merge tag) leaves nothing behind.

    With a `segment` (a saved `directory.Segment`), only the list's subscribers in it
    are written to; its conditions are copied onto the campaign.

    Returns (campaign, started). Nothing new is started, and the campaign already there
    is returned, when this confirmation was already used (a second click, the back
    button, a replay) or when the issue is being sent. A later send of an issue goes only
    to the addresses that have not received it (`sending.preparation.audience`)."""
    from .rendering import email_parts
    from .tasks import prepare_and_send

    parts = email_parts(newsletter)
    check_merge_tags(parts["subject"], parts["html"], parts["text"])
    conditions = segment_tree(segment) if segment is not None else None
    confirmation_key = (confirmation_key or "")[:40]
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if confirmation_key:
            used = Campaign.objects.filter(confirmation_key=confirmation_key).first()
            if used is not None:
                return used, False
        running = newsletter.campaigns.filter(status__in=Campaign.ACTIVE).first()
        if running is not None:
            return running, False
        sent = freeze_issue(newsletter, parts=parts)
        campaign = Campaign.objects.create(
            newsletter=newsletter,
            mailing_list=newsletter.mailing_list,
            subject=sent.subject,
            status=Campaign.Status.QUEUED,
            html_template=sent.html,
            text_template=sent.text,
            started_at=timezone.now(),
            messages_per_second=messages_per_second,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            confirmation_key=confirmation_key,
            segment=segment,
            segment_name=segment.name if segment is not None else "",
            segment_conditions=conditions,
        )
        publish_newsletter(newsletter)
        campaign_id = campaign.pk
        transaction.on_commit(lambda: prepare_and_send.delay(campaign_id))
    return campaign, True


def segment_tree(segment) -> dict:
    """A saved segment's conditions, checked; a segment that no longer checks is refused
    with its reason (never sent to the whole list instead)."""
    from tisser.directory.segments import SegmentError, parse

    try:
        return parse(segment.conditions)
    except SegmentError as error:
        raise ValidationError(
            _("The segment “%(name)s” cannot be used: %(reason)s")
            % {"name": segment.name, "reason": error.message}
        ) from error


def start_campaign(campaign: Campaign) -> None:
    """Render once (or take the issue as first sent), publish the web version, and queue
    the preparation of the recipients and the sending (a worker's job: at 100,000
    subscribers creating the delivery rows takes seconds, not for a web request)."""
    from .rendering import email_parts
    from .tasks import prepare_and_send

    if campaign.newsletter_id is None:
        raise ValidationError(_("This campaign has no newsletter."))
    parts = email_parts(campaign.newsletter)
    check_merge_tags(parts["subject"])
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=campaign.newsletter_id)
        if not Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).exists():
            raise ValidationError(_("This campaign has already been started."))
        sent = freeze_issue(newsletter, parts=parts)
        Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
            status=Campaign.Status.QUEUED,
            subject=sent.subject,
            html_template=sent.html,
            text_template=sent.text,
            started_at=timezone.now(),
        )
        publish_newsletter(newsletter)
        campaign_id = campaign.pk
        transaction.on_commit(lambda: prepare_and_send.delay(campaign_id))
    campaign.refresh_from_db()


@transaction.atomic
def pause_campaign(campaign: Campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SENDING).update(
        status=Campaign.Status.PAUSED
    )


def resume_campaign(campaign: Campaign) -> None:
    from .tasks import send_campaign

    with transaction.atomic():
        changed = Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.PAUSED).update(
            status=Campaign.Status.SENDING
        )
        if changed:
            transaction.on_commit(lambda: send_campaign.delay(campaign.pk))


@transaction.atomic
def cancel_campaign(campaign: Campaign) -> None:
    from .models import Delivery

    Campaign.objects.filter(
        pk=campaign.pk,
        status__in=[Campaign.Status.QUEUED, Campaign.Status.SENDING, Campaign.Status.PAUSED],
    ).update(status=Campaign.Status.CANCELLED, finished_at=timezone.now())
    Delivery.objects.filter(campaign=campaign, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SKIPPED
    )


def send_test(newsletter: Newsletter, addresses: list[str]) -> int:
    """Send the issue now to a few addresses (at most 10), marked [TEST]."""
    from django.core.validators import validate_email

    from .rendering import email_parts
    from .sending.sender import send_test as send

    addresses = [a.strip() for a in addresses if a.strip()]
    if not addresses:
        raise ValidationError(_("Give at least one address."))
    if len(addresses) > 10:
        raise ValidationError(_("A test goes to 10 addresses at most."))
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not a valid email address.") % {"value": address}
            ) from None
    parts = dict(email_parts(newsletter))
    from django.conf import settings

    parts["web_url"] = settings.SITE_URL + newsletter.get_absolute_url()
    return send(parts, addresses)


# --- articles and resources -------------------------------------------------------------

ARTICLE_FIELDS = (
    "title",
    "rubric",
    "summary",
    "body",
    "author",
    "image",
    "image_alt",
    "link_url",
    "link_label",
    "status",
    "published_at",
)


def _clean_article(article: Article, data: dict) -> Article:
    unknown = set(data) - set(ARTICLE_FIELDS)
    if unknown:
        raise ValueError(f"Not article fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(article, field, value)
    article.body = sanitize_html(article.body or "")
    if article.image and not (article.image_alt or "").strip():
        raise ValidationError({"image_alt": _("Describe the image for people who cannot see it.")})
    if article.status in (Article.Status.SCHEDULED, Article.Status.PUBLISHED):
        if article.published_at is None:
            article.published_at = timezone.now()
        if article.status == Article.Status.SCHEDULED and article.published_at <= timezone.now():
            article.status = Article.Status.PUBLISHED
        elif article.status == Article.Status.PUBLISHED and article.published_at > timezone.now():
            article.status = Article.Status.SCHEDULED
    if not article.slug:
        article.slug = unique_slug(Article, article.title)
    article.full_clean()
    return article


@transaction.atomic
def save_article(data: dict, *, article: Article | None = None) -> Article:
    article = _clean_article(article or Article(), data)
    article.save()
    return article


@transaction.atomic
def publish_due_articles(now=None) -> int:
    """Scheduled articles whose date has come become published (the periodic task)."""
    return Article.objects.filter(
        status=Article.Status.SCHEDULED, published_at__lte=now or timezone.now()
    ).update(status=Article.Status.PUBLISHED)


@transaction.atomic
def save_resource(data: dict, *, resource: Resource | None = None) -> Resource:
    resource = resource or Resource()
    for field, value in data.items():
        setattr(resource, field, value)
    resource.description = sanitize_html(resource.description or "")
    if not resource.slug:
        resource.slug = unique_slug(Resource, resource.title)
    resource.search_text = " ".join(
        [
            resource.title,
            resource.category.name if resource.category_id else "",
            resource.description,
        ]
    ).lower()
    resource.full_clean()
    resource.save()
    return resource
