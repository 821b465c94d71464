"""Forms of publications (thin: checks and labels; writes are in services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MailingList


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=100)
    lists = forms.ModelMultipleChoiceField(
        label=_("Lists"),
        queryset=MailingList.objects.filter(is_public=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one list.")},
    )
    agree = forms.BooleanField(
        label=_(
            "I agree to receive these emails; I can unsubscribe at any time with the link in each of them."
        ),
        error_messages={"required": _("Tick the box to confirm that you agree.")},
    )


class PreferencesRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))


class PreferencesForm(forms.Form):
    lists = forms.ModelMultipleChoiceField(
        label=_("I receive"),
        queryset=MailingList.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    nothing = forms.BooleanField(
        label=_("Receive nothing at all from the network any more"), required=False
    )
