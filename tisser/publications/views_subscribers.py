"""Subscriber-facing pages: signup (double opt-in), confirmation, one-click unsubscribe
(RFC 8058), preferences. Tokens are signed; a forged one gets a clear page, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tisser.directory.proposals.services import hash_client_address
from tisser.directory.proposals.views import client_address

from . import services_subscribers as subscribers
from . import tokens
from .forms import PreferencesForm, PreferencesRequestForm, SignupForm
from .models import Delivery, MailingList, Subscription
from .sending.mime import read_unsubscribe_token


def _bad_link(request, status=400, message=None):
    """The page of a link that cannot serve: altered or cut (the default), expired, gone."""
    if message is None:
        message = _(
            "This link is not valid: it may have been altered or cut. Copy it whole from the email, or ask for a new one."
        )
    return render(
        request, "publications/subscribers/bad_link.html", {"message": message}, status=status
    )


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscribers.request_subscription(
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                lists=list(form.cleaned_data["lists"]),
                language=request.LANGUAGE_CODE,
                client_hash=hash_client_address(client_address(request)),
            )
        except subscribers.SignupRefused:
            form.add_error(
                None, _("Too many signups from your connection: please try again in an hour.")
            )
        else:
            return render(
                request,
                "publications/subscribers/check_email.html",
                {"email": form.cleaned_data["email"]},
            )
    return render(request, "publications/subscribers/signup.html", {"form": form})


def confirm(request, token):
    try:
        ids = tokens.read_confirm_token(token)
    except signing.SignatureExpired:
        return _bad_link(
            request,
            message=_("This confirmation link has expired. Sign up again to get a new one."),
        )
    except signing.BadSignature:
        return _bad_link(request)
    confirmed = subscribers.confirm_subscriptions(ids)
    return render(request, "publications/subscribers/confirmed.html", {"subscriptions": confirmed})


@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" without a form
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        delivery_id = read_unsubscribe_token(token)
    except (signing.BadSignature, ValueError):
        return _bad_link(request)
    delivery = (
        Delivery.objects.select_related("campaign__mailing_list", "person")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.person is None:
        return _bad_link(request, status=404)
    mailing_list = delivery.campaign.mailing_list
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        done = subscribers.unsubscribe(
            delivery.person,
            mailing_list,
            how="one-click" if one_click else "link",
            delivery=delivery,
        )
        return render(
            request,
            "publications/subscribers/unsubscribed.html",
            {
                "mailing_list": mailing_list,
                "already": not done,
                "email": delivery.email,
                "preferences_url": reverse(
                    "publications:preferences",
                    kwargs={"token": tokens.preferences_token(delivery.person_id)},
                ),
            },
        )
    subscribed = Subscription.objects.filter(
        person=delivery.person, mailing_list=mailing_list, status=Subscription.Status.ACTIVE
    ).exists()
    return render(
        request,
        "publications/subscribers/unsubscribe.html",
        {"mailing_list": mailing_list, "email": delivery.email, "subscribed": subscribed},
    )


@require_http_methods(["GET", "POST"])
def preferences_request(request):
    """Ask for a link to one's preferences by email (nothing is shown without it)."""
    form = PreferencesRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subscribers.send_preferences_link(
            form.cleaned_data["email"], language=request.LANGUAGE_CODE
        )
        return render(
            request,
            "publications/subscribers/check_email.html",
            {"email": form.cleaned_data["email"]},
        )
    return render(request, "publications/subscribers/preferences_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def preferences(request, token):
    try:
        person_id = tokens.read_preferences_token(token)
    except signing.SignatureExpired:
        return _bad_link(request, message=_("This link has expired. Ask for a new one."))
    except signing.BadSignature:
        return _bad_link(request)
    from tisser.directory.models import Person

    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return _bad_link(request, status=404)
    current = set(
        Subscription.objects.filter(person=person, status=Subscription.Status.ACTIVE).values_list(
            "mailing_list_id", flat=True
        )
    )
    form = PreferencesForm(request.POST or None, initial={"lists": list(current)})
    if request.method == "POST" and form.is_valid():
        chosen = {m.pk for m in form.cleaned_data["lists"]}
        for mailing_list in MailingList.objects.filter(pk__in=current - chosen):
            subscribers.unsubscribe(person, mailing_list, how="preferences")
        added = list(MailingList.objects.filter(pk__in=chosen - current))
        if added:
            subscribers.request_subscription(
                email=person.email, lists=added, language=request.LANGUAGE_CODE
            )
        if form.cleaned_data.get("nothing"):
            subscribers.suppress(person.email, reason="unsubscribed", detail="preferences page")
        messages.success(request, _("Your preferences are saved."))
        return redirect(request.path)
    return render(
        request, "publications/subscribers/preferences.html", {"form": form, "person": person}
    )
