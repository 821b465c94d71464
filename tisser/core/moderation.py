"""The one moderation flow: whatever waits for a decision (a proposed actor, a proposed
event, a claim to belong to or represent an organisation) is decided the same way.

1. the pending row is locked (`SELECT … FOR UPDATE`) and checked to be still pending, so
   two people deciding at once decide once: the second waits for the lock, then is told
   it is already decided;
2. the domain applies its decision (`apply`), inside the same transaction;
3. who decided and when are recorded (`reviewed_by`, `reviewed_at`);
4. the proposer is told in their own language (the one they used when proposing), by an
   email queued after the commit: nothing is sent if the decision rolls back.

A domain declares only what is its own: which rows wait, what a decision changes, what
the proposer is told, and the error its users read when the item is no longer pending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise

from .mail import send_templated_mail

Item = TypeVar("Item")


@dataclass
class Notice:
    """What the proposer is told about the decision.

    `subject` and the context's lazy strings are rendered in `language`; `reply_to` lets
    the proposer answer the person who decided.
    """

    to: str
    language: str
    subject: Any
    template: str
    context: dict = field(default_factory=dict)
    reply_to: str = ""


def lock_pending(
    queryset: QuerySet,
    pk,
    *,
    already_decided: Callable[[Any], Exception],
    is_pending: Callable[[Any], bool] | None = None,
):
    """The row `pk`, locked until the transaction ends, if it still waits for a decision.

    Raises `already_decided(item)` when it does not (item is None when the row is gone).
    Only the row itself is locked (`of=("self",)`), never the rows it is joined to.
    """
    item = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
    pending = is_pending or (lambda obj: obj.is_pending)
    if item is None or not pending(item):
        raise already_decided(item)
    return item


def decide(
    queryset: QuerySet,
    pk,
    *,
    reviewer,
    apply: Callable[[Any], Notice | None],
    already_decided: Callable[[Any], Exception],
    is_pending: Callable[[Any], bool] | None = None,
):
    """Lock the pending item, apply the decision, record the reviewer, tell the proposer.

    `apply(item)` changes the item (its status and what follows from it) and returns the
    `Notice` for the proposer, or None to tell nobody; it sees `reviewed_by` and
    `reviewed_at` already set. Any exception it raises rolls everything back.
    """
    with transaction.atomic():
        item = lock_pending(queryset, pk, already_decided=already_decided, is_pending=is_pending)
        item.reviewed_by = reviewer if getattr(reviewer, "is_authenticated", False) else None
        item.reviewed_at = timezone.now()
        notice = apply(item)
        item.save()
        if notice is not None:
            tell(notice)
    return item


def tell(notice: Notice) -> None:
    """Render the notice in the proposer's language; the email leaves after the commit."""
    language = notice.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = str(notice.subject)
        context = {
            key: str(value) if isinstance(value, Promise) else value
            for key, value in notice.context.items()
        }
    send_templated_mail(
        to=[notice.to],
        subject=subject,
        template=notice.template,
        language=language,
        context=context,
        reply_to=[notice.reply_to] if notice.reply_to else None,
    )
