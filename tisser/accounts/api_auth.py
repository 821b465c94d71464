"""Who is calling the JSON API: a staff member's token, or nobody (public data only)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from .services_tokens import authenticate


class Anonymous:
    """`request.auth` for a caller without a token: public reading only."""

    pk = None
    scopes: tuple = ()

    def __bool__(self):
        return True  # ninja stops at the first truthy answer

    def __str__(self):
        return "anonymous"

    def allows(self, scope: str) -> bool:
        return False


ANONYMOUS = Anonymous()


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tis_…`. A token that is sent but wrong, expired or revoked
    is refused (401) rather than read as anonymous, so a client notices."""

    openapi_description = "A personal API token, created by staff on their account page."

    def authenticate(self, request, token):
        found = authenticate(token.strip())
        if found is None:
            raise AuthenticationError(401, _("This API token is unknown, expired or revoked."))
        return found


def anonymous(request):
    if request.headers.get("Authorization"):
        raise AuthenticationError(
            401, _("Send the token in the Authorization header, after the word Bearer.")
        )
    return ANONYMOUS


#: The API's authentication: a token when one is sent, otherwise anonymous.
API_AUTH = [TokenAuth(), anonymous]


def require_scope(request, scope: str) -> None:
    """401 without a token, 403 with a token that lacks `scope`."""
    auth = getattr(request, "auth", None)
    if auth is None or isinstance(auth, Anonymous):
        raise AuthenticationError(401, "")
    if not auth.allows(scope):
        raise HttpError(
            403, _("This token does not have the scope “%(scope)s”.") % {"scope": scope}
        )
