"""The messages shown after a redirect ("You are registered…"), kept in a signed cookie.

Django compresses that cookie with zlib whatever its size: for one short message, setting
up zlib cost a registration more CPU (about 4 % of its instructions) than the few bytes
it saved. Short cookies are now only signed; long ones are still compressed, and both
read back alike (the signature covers the compression mark)."""

from __future__ import annotations

from django.contrib.messages.storage.cookie import CookieStorage, MessagePartGatherSerializer
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage

#: Messages whose serialized length is under this are not compressed.
COMPRESS_FROM = 400


class SignedCookieStorage(CookieStorage):
    def _encode_parts(self, messages, encode_empty=False):
        if messages or encode_empty:
            return self.signer.sign_object(
                messages,
                serializer=MessagePartGatherSerializer,
                compress=sum(len(m) for m in messages) >= COMPRESS_FROM,
            )
        return None


class MessageStorage(FallbackStorage):
    """Django's default (a cookie, the session when the cookie would be too big), with
    the cookie compressed only when it is long."""

    storage_classes = (SignedCookieStorage, SessionStorage)
