"""The one staff guard, as a decorator and as a mixin, answers the same way: the login page
for a visitor (back to the page, or for a button that posts, to the page it was on), 403
for an account without the role, the view for staff."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from tisser.accounts.decorators import (
    StaffAdminRequiredMixin,
    StaffEditorRequiredMixin,
    staff_admin_required,
    staff_editor_required,
)

pytestmark = pytest.mark.django_db


class EditorPage(StaffEditorRequiredMixin, View):
    def get(self, request):
        return HttpResponse("ok")

    post = get


class AdminPage(StaffAdminRequiredMixin, View):
    def get(self, request):
        return HttpResponse("ok")


@staff_editor_required
def editor_page(request):
    return HttpResponse("ok")


@staff_admin_required
def admin_page(request):
    return HttpResponse("ok")


def call(view, user, method="get", **extra):
    request = getattr(RequestFactory(), method)("/gestion/page/?tri=nom", **extra)
    request.user = user
    try:
        return view(request).status_code
    except PermissionDenied:
        return 403


@pytest.mark.parametrize(
    ("role", "editor", "admin"),
    [
        ("public", 403, 403),
        ("claimant", 403, 403),
        ("representative", 403, 403),
        ("member", 403, 403),
        ("editor", 200, 403),
        ("admin", 200, 200),
    ],
)
def test_decorator_and_mixin_agree(role_users, role, editor, admin):
    user = role_users[role]
    assert call(editor_page, user) == call(EditorPage.as_view(), user) == editor
    assert call(admin_page, user) == call(AdminPage.as_view(), user) == admin
    assert EditorPage.staff_guard == editor_page.staff_guard == "editor"
    assert AdminPage.staff_guard == admin_page.staff_guard == "admin"


def test_visitors_log_in_and_come_back(rf):
    from django.contrib.auth.models import AnonymousUser

    for view in (editor_page, EditorPage.as_view()):
        request = rf.get("/gestion/page/?tri=nom")
        request.user = AnonymousUser()
        response = view(request)
        assert response.status_code == 302
        assert response["Location"].endswith("?next=/gestion/page/%3Ftri%3Dnom")
        # A button that posts brings back to the page it was on, never to another site.
        posted = rf.post("/gestion/page/", HTTP_REFERER="http://testserver/gestion/liste/")
        posted.user = AnonymousUser()
        assert view(posted)["Location"].endswith("?next=http%3A//testserver/gestion/liste/")
        forged = rf.post("/gestion/page/", HTTP_REFERER="https://evil.example/")
        forged.user = AnonymousUser()
        assert view(forged)["Location"].endswith("?next=/gestion/page/")


def test_a_superuser_is_an_administrator_everywhere(make_user):
    """The account's properties (read by templates) and `accounts.roles` (read by the
    guard) give the same answer."""
    from tisser.accounts import roles

    superuser = make_user("racine@example.org")
    superuser.is_superuser = True
    assert superuser.is_staff_editor and superuser.is_staff_admin
    assert roles.is_staff_editor(superuser) and roles.is_staff_admin(superuser)
    assert call(admin_page, superuser) == call(EditorPage.as_view(), superuser) == 200
    superuser.is_active = False
    assert not superuser.is_staff_editor and not roles.is_staff_editor(superuser)
