"""The staff-access guards every app's staff views use."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from . import roles


def _guard(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


#: Staff editors and administrators; anonymous visitors go to the login page, others get 403.
staff_editor_required = _guard(roles.is_staff_editor)
#: Staff administrators only; anonymous visitors go to the login page, others get 403.
staff_admin_required = _guard(roles.is_staff_admin)
