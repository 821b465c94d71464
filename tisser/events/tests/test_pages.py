"""The public agenda: list and filters, event page, registration form, signed links,
iCalendar feeds, the widget and the JSON API."""

import json
import re

import pytest
from django.core import mail, signing
from django.urls import reverse
from icalendar import Calendar

from tisser.events.models import Registration, Session, Workshop
from tisser.events.registration import services, tokens
from tisser.events.registration.rules import Choices, Registrant

from .conftest import at

pytestmark = pytest.mark.django_db


def form_data(event, **extra):
    data = {
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "lea@example.org",
        "organisation": "Coop Test",
        "commune": "Lille",
    }
    for item in event.programme.filter(choose_workshop=True):
        data[f"workshop_{item.pk}"] = str(item.workshops.first().pk)
    data.update(extra)
    return data


def test_agenda_lists_and_filters(client, rencontre, fresque):
    page = client.get(reverse("events:agenda")).content.decode()
    assert "Rencontre des Solidaires" in page and "Fresque de l" in page
    assert page.index("Fresque de l") < page.index("Rencontre des Solidaires")  # by date
    by_kind = client.get(reverse("events:agenda"), {"kind": "rencontre"}).content.decode()
    assert "Rencontre des Solidaires" in by_kind and "Fresque de" not in by_kind
    in_62 = client.get(reverse("events:agenda"), {"territory": "62"}).content.decode()
    assert "Fresque de l" in in_62 and "Rencontre des Solidaires" not in in_62
    month = at(20).strftime("%Y-%m")
    by_month = client.get(reverse("events:agenda"), {"month": month}).content.decode()
    assert "Rencontre des Solidaires" in by_month
    Session.objects.filter(event=fresque).update(taken=2)
    free = client.get(reverse("events:agenda"), {"free": "on"}).content.decode()
    assert "Fresque de" not in free and "Rencontre des Solidaires" in free
    everything = client.get(reverse("events:agenda")).content.decode()
    assert "Complet" in everything  # the full Fresque says so
    bad = client.get(reverse("events:agenda"), {"month": "juin"})
    assert bad.status_code == 200 and "AAAA-MM" in bad.content.decode()


def test_event_page_with_jsonld_and_programme(client, rencontre):
    response = client.get(rencontre.get_absolute_url())
    page = response.content.decode()
    assert "Accueil" in page and "Coopérer" in page and "50 places restantes" in page
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(raw)
    assert data[0]["@type"] == "Event" and data[0]["name"] == "Rencontre des Solidaires"
    assert data[0]["location"]["address"]["addressLocality"] == "Lille"
    assert data[0]["remainingAttendeeCapacity"] == 150
    assert "<strong>rendez-vous</strong>" in page  # sanitised HTML kept


def test_unpublished_event_is_not_found(client, rencontre):
    rencontre.status = "proposed"
    rencontre.save()
    assert client.get(rencontre.get_absolute_url()).status_code == 404
    assert client.get(rencontre.registration_url).status_code == 404


def test_register_through_the_form(client, rencontre, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(rencontre.registration_url, form_data(rencontre), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirmée" in page and "Coopérer" in page
    registration = Registration.objects.get()
    assert registration.person.email == "lea@example.org"
    assert registration.organisation.name == "Coop Test"
    assert registration.organisation.commune.name == "Lille"
    assert len(mail.outbox) == 1
    # The same form sent again: a clear message, no second registration.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(rencontre.registration_url, form_data(rencontre))
    assert again.status_code == 400
    assert "déjà inscrit" in again.content.decode()
    assert Registration.objects.count() == 1
    # Its confirmation goes again to the registered address (the first may have been lost
    # with a web process that died after the commit), once per ten minutes at most.
    assert "envoyé à nouveau" in again.content.decode()
    assert [m.to for m in mail.outbox] == [["lea@example.org"]] * 2
    with django_capture_on_commit_callbacks(execute=True):
        third = client.post(rencontre.registration_url, form_data(rencontre))
    assert "déjà inscrit" in third.content.decode()
    assert "envoyé à nouveau" not in third.content.decode()
    assert len(mail.outbox) == 2


def test_bad_input_keeps_what_was_typed(client, rencontre):
    data = form_data(rencontre, email="pas-une-adresse", commune="Atlantide")
    response = client.post(rencontre.registration_url, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="Léa"' in page and 'value="pas-une-adresse"' in page
    assert "Atlantide" in page and "Commune inconnue" in page
    assert "Saisissez une adresse de courriel valide" in page
    assert not Registration.objects.exists()


def test_closed_and_ineligible_registrations_are_explained(client, rencontre, organisations):
    rencontre.members_only = True
    rencontre.save()
    data = form_data(rencontre, organisation="Entreprise Lambda", commune="Arras")
    response = client.post(rencontre.registration_url, data)
    assert "réservé aux structures adhérentes" in response.content.decode()
    rencontre.registration_closes_at = at(-1)
    rencontre.save()
    page = client.get(rencontre.registration_url).content.decode()
    assert "clôturées" in page
    assert not Registration.objects.exists()


def test_members_only_keeps_the_claim_of_an_unconfirmed_colleague(client, rencontre, organisations):
    """Naming a member organisation is a claim: refused with a clear message, and the
    claim kept so that its representative or staff can confirm it."""
    from tisser.directory.models import Affiliation

    rencontre.members_only = True
    rencontre.save()
    data = form_data(rencontre, organisation="Les Jardins de Cocagne", commune="Lille")
    response = client.post(rencontre.registration_url, data)
    assert response.status_code == 400
    assert "votre lien avec Les Jardins de Cocagne n’est pas encore confirmé" in (
        response.content.decode()
    )
    assert not Registration.objects.exists()
    claim = Affiliation.objects.get(person__email="lea@example.org")
    assert claim.organisation == organisations["member"]
    assert (claim.status, claim.source, claim.claim_detail) == (
        "claimed",
        "registration",
        "Rencontre des Solidaires",
    )


def test_fresque_form_offers_both_dates_and_full_one_is_marked(client, fresque):
    lens, lille = fresque.sessions_list
    Session.objects.filter(pk=lens.pk).update(taken=2)
    page = client.get(fresque.registration_url).content.decode()
    assert "Lens" in page and "Lille" in page and "complet\u00a0: liste d&#x27;attente" in page
    response = client.post(
        fresque.registration_url, form_data(fresque, session=str(lens.pk)), follow=True
    )
    assert "En liste d&#x27;attente" in response.content.decode()
    assert Registration.objects.get().status == Registration.Status.WAITLISTED


def test_colleagues_registered_together(client, rencontre):
    data = form_data(
        rencontre, colleagues="Paul; Durand; paul@example.org\nAnne, Roy, anne@example.org"
    )
    client.post(rencontre.registration_url, data)
    regs = Registration.objects.select_related("person", "organisation", "registered_by")
    assert sorted(r.person.email for r in regs) == [
        "anne@example.org",
        "lea@example.org",
        "paul@example.org",
    ]
    assert {r.organisation.name for r in regs} == {"Coop Test"}
    assert {r.registered_by.email for r in regs} == {"lea@example.org"}
    bad = client.post(
        rencontre.registration_url,
        form_data(rencontre, email="x@example.org", colleagues="Jean sans adresse"),
    )
    assert "Ligne 1" in bad.content.decode() and "Jean sans adresse" in bad.content.decode()


def test_manage_link_cancels_and_forged_or_expired_links_are_refused(client, fresque):
    lens = fresque.sessions_list[0]
    registration = services.register(
        fresque, Registrant(email="a@example.org"), choices=Choices(session=lens)
    )
    url = reverse("events:manage", args=[tokens.manage_token(registration)])
    assert "Confirmée" in client.get(url).content.decode()
    client.post(url, {"action": "cancel"})
    assert Registration.objects.get().status == Registration.Status.CANCELLED
    forged = signing.Signer(salt="another").sign_object({"r": registration.pk})
    response = client.get(reverse("events:manage", args=[forged]))
    assert response.status_code == 400 and "pas valide" in response.content.decode()
    Session.objects.filter(event=fresque).update(starts_at=at(-5), ends_at=at(-5, 17))
    response = client.get(url)
    assert response.status_code == 400 and "expiré" in response.content.decode()


def test_ical_feeds(client, rencontre, fresque):
    response = client.get(reverse("events:feed"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    summaries = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert len(summaries) == 3 and "Rencontre des Solidaires" in summaries
    per_kind = Calendar.from_ical(client.get(reverse("events:feed_kind", args=["fresque"])).content)
    assert {str(e["location"]) for e in per_kind.walk("VEVENT")} == {"Lens", "Lille"}
    assert client.get(reverse("events:feed_kind", args=["inconnu"])).status_code == 404


def test_widget_may_be_framed_anywhere(client, rencontre):
    response = client.get(reverse("events:embed"))
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    assert "Rencontre des Solidaires" in response.content.decode()
    assert "frame-ancestors *" not in client.get(reverse("events:agenda")).get(
        "Content-Security-Policy", ""
    )
    page = client.get(reverse("events:agenda"), {"kind": "fresque"}).content.decode()
    assert "/agenda/integrer/?kind=fresque" in page
    only_fresque = client.get(reverse("events:embed"), {"kind": "fresque"}).content.decode()
    assert "Rencontre des Solidaires" not in only_fresque


def test_api(client, rencontre, fresque):
    data = client.get(reverse("api:events")).json()
    assert data["count"] == 2
    first = data["results"][0]
    assert first["slug"] == "fresque-ess" and len(first["sessions"]) == 2
    assert first["registration_url"].endswith("/agenda/fresque-ess/inscription/")
    assert "email" not in json.dumps(data)  # nobody's contact details
    detail = client.get(reverse("api:event", args=["rencontre-des-solidaires"])).json()
    assert [w["title"] for w in detail["programme"][1]["workshops"]] == [
        "Coopérer",
        "Financer",
        "Essaimer",
    ]
    assert client.get(reverse("api:events"), {"kind": "fresque"}).json()["count"] == 1
    refused = client.get(reverse("api:events"), {"month": "x"})
    assert refused.status_code == 400 and "month" in refused.json()["error"]["fields"]
    assert client.get(reverse("api:events"), {"page": "9"}).status_code == 404


def test_workshop_full_on_the_page(client, rencontre):
    Workshop.objects.filter(title="Coopérer").update(capacity=1, taken=1)
    page = client.get(rencontre.get_absolute_url()).content.decode()
    assert "Coopérer — <strong>complet</strong>" in page


def test_change_workshop_through_the_signed_link(client, rencontre):
    w = list(Workshop.objects.filter(item__event=rencontre).order_by("position"))
    registration = services.register(
        rencontre, Registrant(email="b@example.org"), choices=Choices(workshops=[w[0]])
    )
    url = reverse("events:manage", args=[tokens.manage_token(registration)])
    page = client.get(url).content.decode()
    assert "Modifier mon inscription" in page
    name = f"workshop_{w[0].item_id}"
    Workshop.objects.filter(pk=w[1].pk).update(capacity=0)
    full = client.post(url, {"action": "change", name: str(w[1].pk)})
    assert full.status_code == 400 and "complet" in full.content.decode()
    client.post(url, {"action": "change", name: str(w[2].pk)})
    assert list(registration.workshop_choices.values_list("workshop", flat=True)) == [w[2].pk]
    assert [x.taken for x in Workshop.objects.filter(pk__in=[w[0].pk, w[2].pk])] == [0, 1]


def test_openapi_document_is_valid_and_matches_the_data(client, rencontre):
    from openapi_spec_validator import validate

    document = client.get(reverse("api:openapi-json")).json()
    validate(document)
    assert reverse("api:events") in document["paths"]
    schemas = document["components"]["schemas"]

    def resolve(schema):
        return schemas[schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema

    schema = document["paths"][reverse("api:events")]["get"]["responses"]["200"]
    page = resolve(schema["content"]["application/json"]["schema"])
    fields = resolve(page["properties"]["results"]["items"])
    event = client.get(reverse("api:events")).json()["results"][0]
    assert set(event) == set(fields["properties"])
    assert client.get("/api/v1/events/openapi.json")["Location"] == "/api/openapi.json"


def test_agenda_list_is_cached_briefly_per_filter(client, settings, rencontre, fresque):
    from django.core.cache import cache

    cache.clear()
    settings.TISSER_AGENDA_CACHE_SECONDS = 30
    assert "Complet" not in client.get(reverse("events:agenda")).content.decode()
    Session.objects.filter(event=fresque).update(taken=2)
    # Within the delay the same list is served; another filter is computed afresh.
    assert "Complet" not in client.get(reverse("events:agenda")).content.decode()
    fresh = client.get(reverse("events:agenda"), {"kind": "fresque"}).content.decode()
    assert "Complet" in fresh
    bad = client.get(reverse("events:agenda"), {"month": "juin"}).content.decode()
    assert "AAAA-MM" in bad
    assert "AAAA-MM" in client.get(reverse("events:agenda"), {"month": "juin"}).content.decode()
    cache.clear()


def test_agenda_cache_hit_runs_no_query_and_sets_no_session(
    client, settings, rencontre, django_assert_num_queries
):
    from django.core.cache import cache

    cache.clear()
    settings.TISSER_AGENDA_CACHE_SECONDS = 30
    first = client.get(reverse("events:agenda"), {"kind": "rencontre"})
    with django_assert_num_queries(0):
        again = client.get(reverse("events:agenda"), {"kind": "rencontre"})
    page = again.content.decode()
    # The same page, but for the CSRF token of the language switch (masked per request).
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", page) == token.sub("", first.content.decode())
    assert rencontre.title in page
    assert 'value="rencontre" selected' in page
    assert "/agenda/flux/rencontre.ics" in page
    assert settings.SESSION_COOKIE_NAME not in again.cookies
    cache.clear()
