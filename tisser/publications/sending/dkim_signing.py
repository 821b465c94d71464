"""DKIM signing with dkimpy, only when a key is configured (TISSER_DKIM_*).

Pure-Python RSA costs ~12 ms a message (DESIGN.md), so it is off by default: at volume,
let the relay (OpenDKIM on the MTA) or the email service sign, which takes it off the
sending path entirely; this is for small set-ups sending straight to the world.
"""

import dkim

SIGNED_HEADERS = [
    b"From",
    b"To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"List-Unsubscribe",
    b"List-Unsubscribe-Post",
    b"MIME-Version",
    b"Content-Type",
]


def sign(raw: bytes, key: dict) -> bytes:
    signature = dkim.sign(
        raw,
        key["selector"],
        key["domain"],
        key["key"],
        include_headers=SIGNED_HEADERS,
        linesep=b"\r\n",
    )
    return signature + raw
