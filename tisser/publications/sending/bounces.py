"""Bounces: delivery status notifications (RFC 3464) and email services' webhooks.

A DSN reaches Tisser piped from the mail server (`manage.py process_bounce < message`);
an email service's events arrive through django-anymail's tracking webhook, whose
`tracking` signal `on_tracking_event` receives. Hard bounces suppress the address.
"""

from __future__ import annotations

import email
import email.policy
import re

from ..services_subscribers import record_bounce, suppress

STATUS = re.compile(r"^\s*([245])\.\d{1,3}\.\d{1,3}")


def parse_dsn(raw: bytes) -> list[dict]:
    """[{email, action, status, hard, message_id}] for each recipient the report names."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if message.get_content_type() != "multipart/report":
        return []
    original_id = ""
    reports = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("text/rfc822-headers", "message/rfc822"):
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                original_id = payload[0].get("Message-ID", "") or original_id
            else:
                headers = email.message_from_string(
                    part.get_payload(decode=True).decode("utf-8", "replace")
                    if part.get_payload(decode=True)
                    else str(payload)
                )
                original_id = headers.get("Message-ID", "") or original_id
        elif kind == "message/delivery-status":
            # Per-message fields, then one block per recipient, separated by blank lines.
            blocks = part.get_payload()
            if isinstance(blocks, str):
                blocks = [email.message_from_string(b) for b in blocks.split("\n\n") if b]
            for block in blocks[1:] if len(blocks) > 1 else blocks:
                recipient = str(
                    block.get("Final-Recipient", "") or block.get("Original-Recipient", "")
                )
                action = str(block.get("Action", "")).strip().lower()
                status = str(block.get("Status", "")).strip()
                if not recipient:
                    continue
                address = recipient.split(";", 1)[-1].strip().strip("<>")
                match = STATUS.match(status)
                reports.append(
                    {
                        "email": address.lower(),
                        "action": action,
                        "status": status,
                        "hard": action == "failed" and bool(match and match.group(1) == "5"),
                    }
                )
    for report in reports:
        report["message_id"] = str(original_id).strip()
    return reports


def process_dsn(raw: bytes) -> list[dict]:
    """Apply a DSN: hard bounces suppress their address. Returns what was read."""
    reports = parse_dsn(raw)
    for report in reports:
        record_bounce(
            email=report["email"],
            hard=report["hard"],
            message_id=report["message_id"],
            detail=f"DSN {report['action']} {report['status']}",
        )
    return reports


def on_tracking_event(sender, event, esp_name, **kwargs):
    """django-anymail's `tracking` signal: bounces, rejections, complaints, unsubscribes."""
    from ..models import Suppression

    recipient = (event.recipient or "").lower()
    message_id = ""
    if event.message_id and isinstance(event.message_id, str) and "@" in event.message_id:
        message_id = event.message_id
    detail = f"{esp_name} {event.event_type} {event.description or ''}".strip()
    if event.event_type in ("bounced", "rejected"):
        record_bounce(email=recipient, hard=True, message_id=message_id, detail=detail)
    elif event.event_type == "complained" and recipient:
        suppress(recipient, reason=Suppression.Reason.COMPLAINT, detail=detail)
    elif event.event_type == "unsubscribed" and recipient:
        suppress(recipient, reason=Suppression.Reason.UNSUBSCRIBED, detail=detail)
