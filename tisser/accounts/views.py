"""Account pages. Thin: forms check input, services write."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import personal_data, queries, roles, services
from .forms import (
    EmailAuthenticationForm,
    PasswordResetForm,
    ProfileForm,
    ResendVerificationForm,
    SignupForm,
    StaffRoleForm,
)
from .models import User


def _with_language_cookie(response, user):
    """Apply the account's language preference to the next pages (none = keep as is)."""
    if user.language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        return _with_language_cookie(response, form.get_user())


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_user(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome! We sent a link to %(email)s: open it to confirm your address.")
                % {"email": user.email},
            )
            return redirect(_safe_next(request, reverse("accounts:profile")))
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request, "")})


def verify_email(request, token):
    try:
        user = services.verify_email(token)
    except services.VerificationFailed as failure:
        form = ResendVerificationForm(
            initial={"email": request.user.email if request.user.is_authenticated else ""}
        )
        return render(
            request,
            "accounts/verify_failed.html",
            {"reason": failure.reason, "form": form},
            status=400,
        )
    messages.success(
        request, _("Thank you: your email address %(email)s is confirmed.") % {"email": user.email}
    )
    return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")


def resend_verification(request):
    """Logged in: one click resends to the account's address. Otherwise: ask the address."""
    if request.method == "POST":
        if request.user.is_authenticated and "email" not in request.POST:
            if request.user.email_verified:
                messages.info(request, _("Your email address is already confirmed."))
            elif services.send_verification_email(request.user):
                messages.success(
                    request,
                    _("A new confirmation link is on its way to %(email)s.")
                    % {"email": request.user.email},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "A link was sent to %(email)s less than a minute ago: look in your "
                        "inbox and spam folder, or try again in a minute."
                    )
                    % {"email": request.user.email},
                )
            return HttpResponseRedirect(_safe_next(request, reverse("accounts:profile")))
        form = ResendVerificationForm(request.POST)
        if form.is_valid():
            services.resend_verification(form.cleaned_data["email"])
            messages.success(
                request,
                _("If an unconfirmed account uses this address, a new link is on its way to it."),
            )
            return redirect("accounts:login")
    else:
        form = ResendVerificationForm()
    return render(request, "accounts/resend_verification.html", {"form": form})


@require_POST
def set_language(request):
    """The header language switch: Django's `set_language`, and the account remembers it.

    Same POST interface (`language`, `next`); the cookie and redirect stay Django's.
    """
    if request.user.is_authenticated:
        services.save_language_preference(request.user, request.POST.get("language", ""))
    return django_set_language(request)


@login_required
def profile(request):
    user = request.user
    staff = roles.is_staff_editor(user)
    if request.method == "POST":
        form = ProfileForm(request.POST, staff=staff)
        if form.is_valid():
            try:
                services.update_profile(user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return _with_language_cookie(redirect("accounts:profile"), user)
    else:
        form = ProfileForm(
            staff=staff,
            initial={
                "first_name": user.first_name,
                "last_name": user.last_name,
                "language": user.language,
                "notify_new_proposals": user.wants_proposal_emails,
            },
        )
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "staff_role": roles.staff_role(user), "Role": roles.Role},
    )


@login_required
def my_data(request):
    """ "Download my data": everything Tisser holds about the logged-in user, as JSON."""
    data = personal_data.data_of(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees.json"'
    return response


@login_required
def staff_roles(request):
    if not roles.is_staff_admin(request.user):
        raise PermissionDenied
    search = request.GET.get("q", "").strip()
    if request.method == "POST":
        form = StaffRoleForm(request.POST)
        if form.is_valid():
            target = get_object_or_404(User, pk=form.cleaned_data["user"], is_active=True)
            try:
                services.set_staff_role(
                    actor=request.user, user=target, role=form.cleaned_data["staff_role"]
                )
            except ValidationError as error:
                for text in error.messages:
                    messages.error(request, text)
            else:
                messages.success(
                    request, _("Staff role of %(email)s saved.") % {"email": target.email}
                )
        else:
            messages.error(request, _("Choose a staff role from the list."))
        return HttpResponseRedirect(request.get_full_path())
    page = Paginator(queries.users_for_staff_roles(search), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/staff_roles.html",
        {"page": page, "search": search, "role_choices": User.StaffRole.choices},
    )


password_reset = auth_views.PasswordResetView.as_view(
    form_class=PasswordResetForm,
    template_name="accounts/password_reset_form.html",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the emailed link also proves the address is theirs."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.mark_email_verified(form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
password_change = PasswordChangeView.as_view()
