"""Sending a campaign exactly once per recipient, in batches, throttled.

The life of a `Delivery` row:

    pending ──claim (transaction)──► claimed ──SMTP accepted──► sent
       │                               │  └──refused──► failed
       └──unsubscribed / suppressed──► skipped ◄── (checked again before each batch)

- **Claim before sending.** A connection claims a small batch of pending rows in one
  transaction (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so parallel workers never
  take the same rows; SQLite serialises writers and the conditional `UPDATE … WHERE
  status = 'pending'` does the same job), stamping them with its token and the time.
- **Mark sent right after.** Each message is marked sent in its own short `UPDATE` as
  soon as the server has accepted it — not at the end of the batch.
- **The crash window.** A worker killed after the server accepted a message and before
  that `UPDATE` committed leaves one row claimed although its message went out. A claim
  older than `TISSER_NEWSLETTER_CLAIM_SECONDS` is presumed dead and taken again, so that
  message is sent a second time — with the same, deterministic Message-ID (per campaign
  and recipient, `mime.message_id`), which lets the receiving server or the reader's
  client recognise it. We chose this (at most one duplicate per connection killed, and a
  recognisable one) over the alternative (mark before sending: a kill then loses the
  message, and nobody can tell). Every other claimed row of the dead batch had not been
  sent, and is sent once.
- **Who, and the rows.** The audience and the pending rows are made by `preparation`;
  the connection that sends (and the throttle) is `sender`.
- **Restart.** When a worker starts (`worker_ready`, see tasks.py) and every minute (beat),
  campaigns still sending are resumed; a claim still alive is waited for, not stolen.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
import uuid
from datetime import timedelta

from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .. import conf
from ..models import Campaign, Delivery, Subscription, Suppression
from .mime import CampaignTemplate
from .sender import Sender, Throttle, template_for

log = logging.getLogger(__name__)


# --- claiming ---------------------------------------------------------------------------


def claim(campaign_id: int, token: str, size: int) -> list[Delivery]:
    """Take up to `size` deliveries for this connection: stale claims first, then pending."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=conf.claim_seconds())
    claimable = Q(status=Delivery.Status.PENDING) | Q(
        status=Delivery.Status.CLAIMED, claimed_at__lt=stale_before
    )
    with transaction.atomic():
        rows = Delivery.objects.filter(campaign_id=campaign_id)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        stale = list(
            rows.filter(status=Delivery.Status.CLAIMED, claimed_at__lt=stale_before)
            .order_by("id")
            .values_list("id", flat=True)[:size]
        )
        pending = list(
            rows.filter(status=Delivery.Status.PENDING)
            .order_by("id")
            .values_list("id", flat=True)[: size - len(stale)]
        )
        ids = stale + pending
        if not ids:
            return []
        Campaign.objects.filter(pk=campaign_id).update(last_activity_at=now)
        # Conditional: on SQLite (no row locks) a row another worker took meanwhile is
        # no longer claimable and stays theirs.
        Delivery.objects.filter(claimable, id__in=ids).update(
            status=Delivery.Status.CLAIMED,
            claim_token=token,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
        return list(
            Delivery.objects.filter(
                id__in=ids, claim_token=token, status=Delivery.Status.CLAIMED
            ).order_by("id")
        )


def drop_unwanted(campaign: Campaign, batch: list[Delivery]) -> list[Delivery]:
    """Skip the rows whose person unsubscribed or whose address was suppressed since the
    campaign was prepared; return the rest."""
    if not batch:
        return batch
    emails = {d.email for d in batch}
    suppressed = set(Suppression.objects.filter(email__in=emails).values_list("email", flat=True))
    person_ids = {d.person_id for d in batch if d.person_id}
    active = set(
        Subscription.objects.filter(
            mailing_list_id=campaign.mailing_list_id,
            person_id__in=person_ids,
            status=Subscription.Status.ACTIVE,
        ).values_list("person_id", flat=True)
    )
    unwanted = [d.id for d in batch if d.email in suppressed or d.person_id not in active]
    if unwanted:
        Delivery.objects.filter(id__in=unwanted, status=Delivery.Status.CLAIMED).update(
            status=Delivery.Status.SKIPPED, claim_token=""
        )
    unwanted_set = set(unwanted)
    return [d for d in batch if d.id not in unwanted_set]


def release(ids, token: str) -> None:
    """Give back claimed rows that were not sent (network trouble, pause)."""
    Delivery.objects.filter(
        id__in=list(ids), claim_token=token, status=Delivery.Status.CLAIMED
    ).update(status=Delivery.Status.PENDING, claim_token="", claimed_at=None)


def finish_if_done(campaign_id: int) -> bool:
    open_rows = Delivery.objects.filter(
        campaign_id=campaign_id, status__in=[Delivery.Status.PENDING, Delivery.Status.CLAIMED]
    )
    if open_rows.exists():
        return False
    finished = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).update(
        status=Campaign.Status.SENT, finished_at=timezone.now()
    )
    if finished:  # once, whichever worker saw the last delivery go
        from ..webhooks import campaign_sent

        campaign_sent(campaign_id)
    return True


# --- sending ----------------------------------------------------------------------------


def mark_sent(delivery_id: int, token: str, mid: str) -> None:
    Delivery.objects.filter(id=delivery_id, claim_token=token).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), message_id=mid, error=""
    )


def mark_failed(delivery_id: int, token: str, error: str) -> None:
    Delivery.objects.filter(id=delivery_id, claim_token=token).update(
        status=Delivery.Status.FAILED, error=error[:500]
    )


class Outcome:
    DONE = "done"  # nothing left to send: the campaign is finished
    MORE = "more"  # time budget spent, rows left: queue another task
    WAIT = "wait"  # rows claimed by a live (or not yet presumed dead) worker
    STOPPED = "stopped"  # paused or cancelled


def _connection_loop(
    campaign: Campaign, template: CampaignTemplate, throttle, deadline, state, threaded=True
):
    """One connection: claim, check, send, mark — until nothing is claimable or time is up."""
    token = uuid.uuid4().hex
    sender = Sender(template)
    size = conf.batch_size()
    rate = campaign.messages_per_second or conf.messages_per_second()
    if rate > 0:  # a batch must take well under a claim's lifetime
        size = max(1, min(size, int(rate * conf.claim_seconds() / 4)))
    claimed: list[Delivery] = []
    try:
        sender.open()
        while not state["stop"]:
            if time.monotonic() > deadline:
                state["more"] = True
                return
            status = Campaign.objects.values_list("status", flat=True).get(pk=campaign.pk)
            if status != Campaign.Status.SENDING:
                state["stopped"] = True
                return
            claimed = claim(campaign.pk, token, size)
            if not claimed:
                return
            batch = drop_unwanted(campaign, claimed)
            for index, delivery in enumerate(batch):
                throttle.wait()
                try:
                    mid = sender.send(delivery)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
                    mark_failed(delivery.id, token, str(error))
                    continue
                except (smtplib.SMTPException, OSError):
                    release([d.id for d in batch[index:]], token)
                    claimed = []
                    raise
                mark_sent(delivery.id, token, mid)
            claimed = []
    except Exception as error:  # noqa: BLE001 - reported to the task, which retries
        if claimed:
            release([d.id for d in claimed], token)
        state["error"] = error
    finally:
        sender.close()
        if threaded:  # each thread had its own database connection
            close_old_connections()
            connection.close()


def send_for(campaign_id: int, *, seconds: float | None = None) -> str:
    """Send what is left of a campaign for up to `seconds`; say what should happen next."""
    campaign = Campaign.objects.select_related("mailing_list", "newsletter").get(pk=campaign_id)
    if campaign.status != Campaign.Status.SENDING:
        return Outcome.STOPPED
    template = template_for(campaign)
    rate = campaign.messages_per_second or conf.messages_per_second()
    throttle = Throttle(rate)
    deadline = time.monotonic() + (seconds if seconds is not None else conf.task_seconds())
    state = {"stop": False, "more": False, "stopped": False, "error": None}
    count = conf.connections()
    if count == 1:
        _connection_loop(campaign, template, throttle, deadline, state, threaded=False)
    threads = [
        threading.Thread(
            target=_connection_loop,
            args=(campaign, template, throttle, deadline, state),
            name=f"campaign-{campaign_id}-{n}",
        )
        for n in range(count if count > 1 else 0)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if state["error"] is not None:
        raise state["error"]
    if state["stopped"]:
        return Outcome.STOPPED
    if state["more"]:
        return Outcome.MORE
    if finish_if_done(campaign_id):
        return Outcome.DONE
    return Outcome.WAIT


def wait_seconds(campaign_id: int) -> float:
    """How long until the oldest live claim of the campaign may be taken again."""
    oldest = (
        Delivery.objects.filter(campaign_id=campaign_id, status=Delivery.Status.CLAIMED)
        .order_by("claimed_at")
        .values_list("claimed_at", flat=True)
        .first()
    )
    if oldest is None:
        return 1.0
    expires = oldest + timedelta(seconds=conf.claim_seconds())
    return max(1.0, (expires - timezone.now()).total_seconds() + 0.5)


__all__ = ["Outcome", "claim", "send_for", "wait_seconds"]
