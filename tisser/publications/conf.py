"""The app's settings, read from Django settings or the environment, with safe defaults.

Kept here rather than in `tisser/settings.py` so that a worker started with nothing but
environment variables (`TISSER_NEWSLETTER_*`) picks them up.
"""

import os

from django.conf import settings


def _value(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value)


def messages_per_second() -> float:
    """Default sending rate of a campaign (0 = as fast as the mail server takes them)."""
    return float(_value("TISSER_NEWSLETTER_MESSAGES_PER_SECOND", "50"))


def connections() -> int:
    """Parallel SMTP connections (threads) a sending task uses."""
    return max(1, int(_value("TISSER_NEWSLETTER_CONNECTIONS", "4")))


def batch_size() -> int:
    """Deliveries claimed at a time by one connection."""
    return max(1, int(_value("TISSER_NEWSLETTER_BATCH_SIZE", "20")))


def claim_seconds() -> float:
    """How long a claim holds: a claimed, unsent delivery older than this is taken again
    (its worker is presumed dead)."""
    return max(1.0, float(_value("TISSER_NEWSLETTER_CLAIM_SECONDS", "300")))


def task_seconds() -> float:
    """How long one sending task runs before handing over to a fresh one."""
    return float(_value("TISSER_NEWSLETTER_TASK_SECONDS", "120"))


def dkim() -> dict | None:
    """DKIM key, selector and domain, or None when signing is off (the default)."""
    key = _value("TISSER_DKIM_PRIVATE_KEY", "")
    selector = _value("TISSER_DKIM_SELECTOR", "")
    domain = _value("TISSER_DKIM_DOMAIN", "")
    if not (key and selector and domain):
        return None
    if not key.lstrip().startswith("-----BEGIN"):
        with open(key, "rb") as handle:  # a path to the PEM file
            key = handle.read().decode()
    return {"key": key.encode(), "selector": selector.encode(), "domain": domain.encode()}


def from_email() -> str:
    return _value("TISSER_NEWSLETTER_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


def network_address() -> str:
    """The postal address shown in every newsletter's footer (required by law)."""
    return _value(
        "TISSER_NETWORK_ADDRESS",
        "Maison de l'Économie Sociale et Solidaire\n235 boulevard Paul Painlevé, 59000 Lille",
    )


def network_long_name() -> str:
    return _value(
        "TISSER_NETWORK_LONG_NAME", "Acteurs pour une Économie Solidaire en Hauts-de-France"
    )
