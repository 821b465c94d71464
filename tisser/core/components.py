"""What the components page (/gestion/composants/) shows of forms: one field of each
kind, so that their look is checked on one page whenever the stylesheet changes."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ComponentsDemoForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the organisation"), help_text=_("As it appears on its statutes.")
    )
    email = forms.EmailField(label=_("Email"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("association", _("Association")), ("scop", _("Cooperative (SCOP)"))],
    )
    frequency = forms.ChoiceField(
        label=_("Newsletter"),
        widget=forms.RadioSelect,
        choices=[("monthly", _("Every month")), ("quarterly", _("Every quarter"))],
        initial="monthly",
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=[
            ("food", _("Food")),
            ("mobility", _("Mobility")),
            ("culture", _("Culture and a label long enough to wrap on a phone's screen")),
        ],
    )
    agree = forms.BooleanField(label=_("I agree to receive the network's news"), required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
