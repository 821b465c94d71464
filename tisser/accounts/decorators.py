"""The one staff-access guard: every staff view uses it, as a decorator (function views) or
a mixin (class-based views), so that who may enter is decided in one place.

Anonymous visitors go to the login page, and come back to the page they asked for (for a
button that posts, the page the button was on: a form cannot be replayed after login);
signed-in people without the role get 403, before the view looks anything up, so a
stranger learns nothing, not even whether an object exists. A guarded view carries
`staff_guard` ("editor" or "admin"): the staff-pages walk checks every /gestion/ view has it.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.http import url_has_allowed_host_and_scheme

from . import roles

EDITOR, ADMIN = "editor", "admin"
CHECKS = {EDITOR: roles.is_staff_editor, ADMIN: roles.is_staff_admin}


def way_back(request) -> str:
    """Where to come back after logging in."""
    if request.method not in ("GET", "HEAD"):
        referer = request.META.get("HTTP_REFERER", "")
        if referer and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return referer
    return request.get_full_path()


def refusal(request, level: str = EDITOR):
    """The login redirect for a visitor, None for staff of `level`; raises 403 otherwise."""
    if not request.user.is_authenticated:
        return redirect_to_login(way_back(request))
    if not CHECKS[level](request.user):
        raise PermissionDenied
    return None


def _guard(level: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if (refused := refusal(request, level)) is not None:
                return refused
            return view(request, *args, **kwargs)

        wrapper.staff_guard = level
        return wrapper

    return decorator


#: Staff editors and administrators; anonymous visitors go to the login page, others get 403.
staff_editor_required = _guard(EDITOR)
#: Staff administrators only; anonymous visitors go to the login page, others get 403.
staff_admin_required = _guard(ADMIN)


class StaffEditorRequiredMixin:
    """The same guard for a class-based view (put it first among the bases)."""

    staff_guard = EDITOR

    def dispatch(self, request, *args, **kwargs):
        if (refused := refusal(request, self.staff_guard)) is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)


class StaffAdminRequiredMixin(StaffEditorRequiredMixin):
    staff_guard = ADMIN
