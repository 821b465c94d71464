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
- **Restart.** When a worker starts (`worker_ready`, see tasks.py) and every minute (beat),
  campaigns still sending are resumed; a claim still alive is waited for, not stolen.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import threading
import time
import uuid
from datetime import timedelta

from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import close_old_connections, connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from tisser.directory.models import Affiliation

from .. import conf
from ..models import Campaign, Delivery, MailingList, Subscription, Suppression
from .mime import CampaignTemplate, DeliveryMessage, unsubscribe_url

log = logging.getLogger(__name__)


# --- preparation ------------------------------------------------------------------------


RECEIVED = (
    Delivery.Status.SENT,
    Delivery.Status.BOUNCED,
    Delivery.Status.PENDING,
    Delivery.Status.CLAIMED,
)


def received_by(newsletter_id: int, *, exclude_campaign: int | None = None):
    """The addresses an issue has gone (or is going) to, through any of its campaigns."""
    rows = Delivery.objects.filter(campaign__newsletter_id=newsletter_id, status__in=RECEIVED)
    if exclude_campaign is not None:
        rows = rows.exclude(campaign_id=exclude_campaign)
    return rows.values("email")


def audience(
    mailing_list: MailingList,
    *,
    newsletter_id: int | None = None,
    campaign_id=None,
    segment: dict | None = None,
):
    """Who a send reaches: the list's active subscribers with an address, minus the
    suppression list, minus (for an issue) whoever already received that issue, and —
    when narrowed by a `segment` (a checked conditions tree) — only those in it: a
    segment narrows the subscribers, it never adds anyone. The one place the audience is
    decided; the confirmation page counts it, preparation reads it."""
    rows = (
        Subscription.objects.filter(mailing_list=mailing_list, status=Subscription.Status.ACTIVE)
        .exclude(person__email="")
        .exclude(person__email__in=Suppression.objects.values("email"))
    )
    if segment is not None:
        from tisser.directory.queries_segments import people

        rows = rows.filter(person_id__in=people(segment).order_by().values("pk"))
    if newsletter_id is not None:
        rows = rows.exclude(
            person__email__in=received_by(newsletter_id, exclude_campaign=campaign_id)
        )
    return rows


def recipients(
    mailing_list: MailingList,
    *,
    newsletter_id: int | None = None,
    campaign_id=None,
    segment: dict | None = None,
):
    """The audience with what each message needs (merge-tag values), in a stable order."""
    organisation = Subquery(
        Affiliation.objects.filter(person=OuterRef("person"))
        .exclude(status=Affiliation.Status.REFUSED)  # a refused claim names no organisation
        .order_by("-is_representative", "id")
        .values("organisation__name")[:1]
    )
    return (
        audience(
            mailing_list, newsletter_id=newsletter_id, campaign_id=campaign_id, segment=segment
        )
        .annotate(organisation_name=organisation)
        .order_by("person_id")
        .values_list(
            "person_id",
            "person__email",
            "person__first_name",
            "person__last_name",
            "organisation_name",
        )
    )


def campaign_segment(campaign: Campaign) -> dict | None:
    """The conditions a campaign was narrowed by, checked again (None: the whole list).
    A stored tree that no longer checks (an app's condition gone) stops the preparation
    rather than widening the send to the whole list."""
    if campaign.segment_conditions is None:
        return None
    from tisser.directory.segments import parse

    return parse(campaign.segment_conditions)


def prepare_campaign(campaign_id: int, *, html: str | None = None, text: str | None = None) -> int:
    """Create one delivery per recipient (in one transaction) and switch to sending.

    The parts are those stored when the campaign was started, or `html`/`text` if given.
    Idempotent: a campaign already prepared is left as it is. Returns the recipients."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.QUEUED):
            return campaign.total
        if html is not None:
            campaign.html_template, campaign.text_template = html, text or ""
        batch: list[Delivery] = []
        total = 0
        rows = recipients(
            campaign.mailing_list,
            newsletter_id=campaign.newsletter_id,
            campaign_id=campaign.pk,
            segment=campaign_segment(campaign),
        )
        for person_id, email, first, last, org in rows.iterator(chunk_size=5000):
            batch.append(
                Delivery(
                    campaign=campaign,
                    person_id=person_id,
                    email=email,
                    first_name=first or "",
                    last_name=last or "",
                    organisation=(org or "")[:200],
                )
            )
            if len(batch) >= 5000:
                Delivery.objects.bulk_create(batch, ignore_conflicts=True)
                total += len(batch)
                batch = []
        if batch:
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
            total += len(batch)
        campaign.total = total
        campaign.status = Campaign.Status.SENDING
        campaign.started_at = timezone.now()
        campaign.save()
    return total


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


class Throttle:
    """At most `rate` messages per second over all the connections of one task."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            slot = max(self.next_at, now)
            self.next_at = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


def template_for(campaign: Campaign) -> CampaignTemplate:
    from django.conf import settings
    from django.urls import reverse

    web_url = ""
    if campaign.newsletter_id:
        web_url = settings.SITE_URL + campaign.newsletter.get_absolute_url()
    return CampaignTemplate(
        campaign_id=campaign.pk,
        subject=campaign.subject,
        from_email=campaign.from_email or conf.from_email(),
        html=campaign.html_template,
        text=campaign.text_template,
        web_url=web_url,
        list_name=campaign.mailing_list.name,
        list_id=campaign.mailing_list.slug,
        preferences_url=settings.SITE_URL + reverse("publications:preferences_request"),
    )


class Sender:
    """Sends messages over one mail connection: raw bytes to SMTP backends, an
    `EmailMultiAlternatives` to the others (django-anymail's email services)."""

    def __init__(self, template: CampaignTemplate):
        self.template = template
        self.connection = get_connection()
        self.raw = isinstance(self.connection, SMTPBackend)
        self.dkim = conf.dkim()

    def open(self):
        self.connection.open()

    def close(self):
        with contextlib.suppress(Exception):  # closing a broken connection may fail too
            self.connection.close()

    def send(self, delivery: Delivery) -> str:
        mid, raw = self.template.render(delivery)
        if self.raw:
            if self.dkim:
                from .dkim_signing import sign

                raw = sign(raw, self.dkim)
            message = DeliveryMessage(
                raw, from_email=self.template.envelope_from, to=delivery.email
            )
        else:
            message = self.esp_message(delivery, mid)
        if not self.connection.send_messages([message]):
            raise smtplib.SMTPException("the mail backend sent nothing")
        return mid

    def esp_message(self, delivery: Delivery, mid: str):
        from django.core.mail import EmailMultiAlternatives

        from .. import mergetags

        values = self.template.values(delivery)
        message = EmailMultiAlternatives(
            subject=self.template.subject,
            body=mergetags.personalise(self.template.text_parts, values, escape=False),
            from_email=self.template.from_email,
            to=[delivery.email],
            headers={
                "Message-ID": mid,
                "List-Unsubscribe": f"<{values['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(
            mergetags.personalise(self.template.html_parts, values, escape=True), "text/html"
        )
        return message


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


def send_test(campaign_or_html: dict, addresses: list[str]) -> int:
    """Send the rendered newsletter to a few addresses now (no delivery rows)."""
    from django.core.mail import EmailMultiAlternatives

    from .. import mergetags

    sent = 0
    connection_ = get_connection()
    for address in addresses:
        values = {
            "email": address,
            "unsubscribe_url": "#",
            "web_url": campaign_or_html.get("web_url", ""),
        }
        message = EmailMultiAlternatives(
            subject="[TEST] " + campaign_or_html["subject"],
            body=mergetags.personalise(
                mergetags.compile_template(campaign_or_html["text"]), values, escape=False
            ),
            from_email=conf.from_email(),
            to=[address],
            connection=connection_,
        )
        message.attach_alternative(
            mergetags.personalise(
                mergetags.compile_template(campaign_or_html["html"]), values, escape=True
            ),
            "text/html",
        )
        sent += message.send()
    return sent


__all__ = [
    "Outcome",
    "claim",
    "prepare_campaign",
    "send_for",
    "send_test",
    "unsubscribe_url",
    "wait_seconds",
]
