"""Signed voting links: one per vote to cast (motion × voter), naming who casts it.

Nothing secret is stored: the link signs the motion, the voter whose vote it is, the voter
who casts it (the proxy holder, or the voter) and the voter's current link nonce, so
reissuing links (a new nonce) or moving a proxy makes the old ones useless. "Single use" is
enforced by the `Participation` unique constraint, not by the token.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "tisser.governance.vote-link"


def max_age_seconds() -> int:
    return int(getattr(settings, "TISSER_VOTE_LINK_DAYS", 30)) * 86400


@dataclass(frozen=True)
class VoteClaim:
    motion_id: int
    voter_id: int
    cast_by_id: int
    nonce: str


class LinkInvalid(Exception):
    """Altered, truncated, expired, or never issued by this site."""


def make_vote_token(motion, voter, cast_by) -> str:
    return signing.dumps(
        {"m": motion.pk, "v": voter.pk, "c": cast_by.pk, "n": voter.link_nonce},
        salt=SALT,
        compress=True,
    )


def read_vote_token(token: str) -> VoteClaim:
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age_seconds())
    except signing.BadSignature as exc:  # SignatureExpired is a BadSignature
        raise LinkInvalid from exc
    if not isinstance(data, dict) or not {"m", "v", "c", "n"} <= data.keys():
        raise LinkInvalid
    try:
        return VoteClaim(int(data["m"]), int(data["v"]), int(data["c"]), str(data["n"]))
    except (TypeError, ValueError) as exc:
        raise LinkInvalid from exc
