"""Articles, resources, lists and subscribers as the API and webhooks give them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from ninja import Schema


class RubricRef(Schema):
    slug: str
    name: str


class ArticleOut(Schema):
    slug: str
    title: str
    rubric: RubricRef
    summary: str
    author: str
    url: str
    image: str | None
    link_url: str | None
    published_at: dt.datetime | None

    @staticmethod
    def resolve_url(row):
        return settings.SITE_URL + row.get_absolute_url()

    @staticmethod
    def resolve_image(row):
        return settings.SITE_URL + row.image.url if row.image else None

    @staticmethod
    def resolve_link_url(row):
        return row.link_url or None


class ArticleDetail(ArticleOut):
    body: str


class ResourceOut(Schema):
    slug: str
    title: str
    kind: str
    category: RubricRef
    description: str
    url: str
    members_only: bool
    published_at: dt.datetime

    @staticmethod
    def resolve_url(row):
        return settings.SITE_URL + row.get_absolute_url()


class MailingListOut(Schema):
    slug: str
    name: str
    description: str
    is_public: bool
    subscribers: int

    @staticmethod
    def resolve_subscribers(row):
        return getattr(row, "active_count", 0)


class SubscriberOut(Schema):
    """One person on one list."""

    list: str
    email: str
    first_name: str
    last_name: str
    status: str
    origin: str
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    unsubscribed_at: dt.datetime | None

    @staticmethod
    def resolve_list(row):
        return row.mailing_list.slug

    @staticmethod
    def resolve_email(row):
        return row.person.email

    @staticmethod
    def resolve_first_name(row):
        return row.person.first_name

    @staticmethod
    def resolve_last_name(row):
        return row.person.last_name


class CampaignOut(Schema):
    id: int
    subject: str
    mailing_list: str | None
    sent: int


def subscriber_payload(subscription) -> dict:
    return SubscriberOut.from_orm(subscription).model_dump()
