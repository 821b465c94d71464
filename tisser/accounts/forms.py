"""Account forms: thin; the rules they apply live in services."""

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tisser.core.mail import send_templated_mail

from . import services
from .models import User


def _language_choices():
    return [("", _("Browser default")), *settings.LANGUAGES]


class EmailAuthenticationForm(auth_forms.AuthenticationForm):
    """Log in by email, whatever its case; refuse for a while after repeated failures."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "This email address and password do not match. Check both and try again."
        ),
        "inactive": _("This account is disabled."),
        "throttled": _(
            "Too many failed attempts. Wait a quarter of an hour and try again, or reset your password."
        ),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        client = services.client_key(self.request)
        if email and services.login_blocked(email, client):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if email and getattr(error, "code", None) == "invalid_login":
                services.record_login_failure(email, client)
            raise
        services.clear_login_failures(email, client)
        return cleaned


class NameFields(forms.Form):
    """First and last name, as sign-up and the profile both ask for them."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )


class SignupForm(NameFields):
    field_order = ["email", "first_name", "last_name"]

    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _(
                    "An account already exists with this email address. Log in, or reset your password if you forgot it."
                )
            )
        return email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are different."))
        elif first:
            candidate = User(
                email=cleaned.get("email") or "",
                first_name=cleaned.get("first_name") or "",
                last_name=cleaned.get("last_name") or "",
            )
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ProfileForm(NameFields):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=_language_choices,
        required=False,
        help_text=_("The language of the pages and of the emails you receive."),
    )
    notify_new_proposals = forms.BooleanField(
        label=_("Notify me of new proposals"),
        required=False,
        help_text=_(
            "An email for each actor or change proposed on the map, with a link to moderate it."
        ),
    )

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:  # only staff moderate, so only they may ask for these emails
            del self.fields["notify_new_proposals"]


class StaffRoleForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    staff_role = forms.ChoiceField(
        label=_("Staff role"), choices=User.StaffRole.choices, required=False
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, but the email goes through the task queue, in the user's language."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        if not services.email_allowed("reset", to_email):
            return  # one link a minute is enough; the page says the same either way
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        send_templated_mail(
            to=[to_email],
            subject=_("Reset your password"),
            template="accounts/email/password_reset",
            context={"user": user, "link": services.absolute_url(path)},
            language=services.user_language(user, fallback=get_language()),
        )
