"""The keys people are matched on beyond their email: a folded name and a phone number.

`Person.save` keeps them; whoever writes people in bulk (`bulk_create`, `update()`, an
import, a registration upsert) bypasses `save` and fills them with `person_keys`.
"""

from __future__ import annotations

import re

from tisser.core.text import fold

_DIGITS = re.compile(r"\d+")


def name_key(first_name: str, last_name: str) -> str:
    """Accents, case, punctuation and word order folded: "Benali Claire" is "Claire BÉNALI"."""
    words = fold(f"{first_name or ''} {last_name or ''}").split()
    return " ".join(sorted(words))[:200]


def phone_key(phone: str) -> str:
    """A phone number in one French national form: "+33 6 12-34-56-78" and "06 12 34 56
    78" are "0612345678". Other countries keep "+" and their digits; fewer than eight
    digits (an extension, a typo) give no key, so they never match."""
    raw = (phone or "").strip()
    digits = "".join(_DIGITS.findall(raw))
    if raw.startswith("00"):
        digits, international = digits[2:], True
    else:
        international = raw.startswith("+")
    if international:
        if digits.startswith("33"):
            national = digits[2:]
            if national.startswith("0"):  # "+33 (0)6…"
                national = national[1:]
            digits, international = "0" + national, False
        else:
            return f"+{digits}" if len(digits) >= 8 else ""
    if len(digits) == 9 and not digits.startswith("0"):  # "6 12 34 56 78"
        digits = "0" + digits
    return digits[:20] if len(digits) >= 8 else ""


def person_keys(*, first_name: str = "", last_name: str = "", phone: str = "") -> dict:
    """The stored matching keys of a person, as fields to set (`Person(**data, **keys)`)."""
    return {"name_key": name_key(first_name, last_name), "phone_key": phone_key(phone)}
