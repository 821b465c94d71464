"""Every open format the project serves, read by a third-party parser as a stranger's
program would (never by the project's own code), on the demo network: Atom and RSS
(feedparser, and RFC 4287's required elements), iCalendar (icalendar and vobject),
GeoJSON (geojson, and Shapely for RFC 7946's validity and winding), schema.org JSON-LD
of actors, events and articles (pyld), CSV (the csv module, strict)."""

import csv
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import geojson
import icalendar
import pytest
import vobject
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from pyld import jsonld
from shapely.geometry import shape

from tisser.territories.tests.fakeserver import SHARED_GEO

pytestmark = pytest.mark.usefixtures("demo_network", "db")

ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = "https://schema.org/"
JSONLD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def body(response) -> bytes:
    assert response.status_code == 200, response
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# --- Atom and RSS ---------------------------------------------------------------------


def test_the_atom_feed_has_what_rfc_4287_requires(client):
    raw = body(client.get("/actualites/flux.atom"))
    parsed = feedparser.parse(raw)
    assert parsed.version == "atom10" and not parsed.bozo
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.updated_parsed and entry.published_parsed and entry.author
        assert entry.link.startswith("http") and entry.id and entry.title
    # feedparser forgives; the RFC does not: every entry has id, title, updated, and an
    # author (its own, or the feed's).
    root = ET.fromstring(raw)
    assert root.find(f"{ATOM}author/{ATOM}name").text == settings.NETWORK_NAME
    assert root.find(f"{ATOM}updated") is not None and root.find(f"{ATOM}id") is not None
    for entry in root.iter(f"{ATOM}entry"):
        for element in ("id", "title", "updated", "author"):
            assert entry.find(f"{ATOM}{element}") is not None, element
        assert entry.find(f"{ATOM}updated").text >= entry.find(f"{ATOM}published").text


def test_the_rss_feed_is_read_by_feedparser(client):
    parsed = feedparser.parse(body(client.get("/actualites/flux.rss")))
    assert parsed.version == "rss20" and not parsed.bozo
    assert parsed.entries and all(e.title and e.link and e.published_parsed for e in parsed.entries)
    assert all(e.author for e in parsed.entries)


# --- iCalendar ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/agenda/flux.ics", "/agenda/flux/matinale.ics"])
def test_the_agenda_feeds_are_read_by_icalendar_and_vobject(client, url):
    raw = body(client.get(url))
    calendar = icalendar.Calendar.from_ical(raw)
    events = calendar.walk("VEVENT")
    assert events
    for event in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert event.get(prop) is not None, prop
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    parsed = vobject.readOne(raw.decode("utf-8"))
    parsed.validate()
    assert len(parsed.vevent_list) == len(events)


# --- GeoJSON --------------------------------------------------------------------------


def geojson_features(client, url, **params):
    text = body(client.get(url, params)).decode("utf-8")
    collection = geojson.loads(text)
    assert collection.is_valid, collection.errors()
    assert isinstance(collection, geojson.FeatureCollection)
    return collection["features"]


@pytest.mark.parametrize(
    ("url", "count"),
    [("/territoires/departements.geojson", 96), ("/territoires/regions.geojson", 13)],
)
def test_outlines_are_valid_and_wound_counter_clockwise(client, url, count):
    features = geojson_features(client, url)
    assert len(features) == count
    for feature in features:
        outline = shape(feature["geometry"])
        assert outline.is_valid, feature["properties"]
        polygons = [outline] if outline.geom_type == "Polygon" else list(outline.geoms)
        assert all(p.exterior.is_ccw for p in polygons), feature["properties"]
        assert not any(ring.is_ccw for p in polygons for ring in p.interiors)
    names = {f["properties"]["code"]: f["properties"]["name"] for f in features}
    if count == 96:
        assert names["54"] == "Meurthe-et-Moselle"


def test_fetched_commune_outlines_are_served_valid_and_counter_clockwise(client):
    from tisser.territories.services import read_outline_file, store_commune_outlines

    path = (
        Path(os.environ.get("TISSER_SHARED_GEO", SHARED_GEO)) / "communes-hauts-de-france.geojson"
    )
    if not path.exists():
        pytest.skip(f"{path} (the shared reference files) is absent")
    store_commune_outlines(read_outline_file(path), "59")
    features = geojson_features(client, "/territoires/communes.geojson", departement="59")
    assert len(features) > 600
    for feature in features:
        outline = shape(feature["geometry"])
        polygons = [outline] if outline.geom_type == "Polygon" else list(outline.geoms)
        assert outline.is_valid and all(p.exterior.is_ccw for p in polygons)


def test_the_actors_geojson_export(client):
    features = geojson_features(client, "/carte/export.geojson", territory="dep-59")
    assert len(features) > 20
    for feature in features:
        if feature["geometry"] is not None:
            longitude, latitude = feature["geometry"]["coordinates"]
            assert 1.5 < longitude < 4.3 and 49.9 < latitude < 51.1  # the Nord, lon first
        assert feature["properties"]["url"].startswith("http")


# --- JSON-LD --------------------------------------------------------------------------

# schema.org's context, as it defines itself: every term in its vocabulary. pyld would
# fetch it from the internet; the tests never go there.
SCHEMA_CONTEXT = {"@context": {"@vocab": SCHEMA, "schema": SCHEMA}}


def _offline_loader(url, options=None):
    if urlsplit(url).netloc.endswith("schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}
    raise AssertionError(f"the JSON-LD asked for {url}")


def expanded(client, url) -> list[dict]:
    """Each node of the page's JSON-LD, expanded (full schema.org IRIs) by pyld."""
    html = body(client.get(url)).decode("utf-8")
    blocks = JSONLD_SCRIPT.findall(html)
    assert blocks, url
    nodes = []
    for block in blocks:
        data = json.loads(block)
        nodes += jsonld.expand(data, {"documentLoader": _offline_loader})
    return nodes


def value(node: dict, term: str):
    """The first value of a schema.org property of an expanded node (None if absent)."""
    found = node.get(SCHEMA + term) or []
    if not found:
        return None
    first = found[0]
    return first.get("@value", first.get("@id", first))


def nodes_of(node: dict, term: str) -> list[dict]:
    return node.get(SCHEMA + term) or []


def public_event_urls() -> dict[str, str]:
    from tisser.events import queries
    from tisser.events.models import Event

    events = Event.objects.filter(status=Event.Status.PUBLISHED)
    return {
        event.slug: event.get_absolute_url()
        for event in events
        if queries.public_event(event.slug) is not None
    }


def test_every_event_carries_an_image_a_real_country_a_street_and_an_organiser(client):
    from tisser.events.models import Event

    urls = public_event_urls()
    assert len(urls) >= 15
    for slug, url in urls.items():
        event = Event.objects.get(slug=slug)
        sessions = list(event.sessions.select_related("commune", "event__commune"))
        streets = set()
        for node in expanded(client, url):
            assert node["@type"] == [SCHEMA + "Event"]
            image = value(node, "image")
            assert image and image.startswith("http"), slug
            path = urlsplit(image).path
            if path.startswith(settings.STATIC_URL):
                assert finders.find(path.removeprefix(settings.STATIC_URL)), image
            organizers = nodes_of(node, "organizer")
            assert organizers and all(value(o, "name") for o in organizers), slug
            for place in nodes_of(node, "location"):
                if place["@type"] != [SCHEMA + "Place"]:
                    continue
                address = nodes_of(place, "address")[0]
                in_a_commune = value(address, "addressLocality") is not None
                expected = "FR" if in_a_commune else (event.country or None)
                assert value(address, "addressCountry") == expected, slug
                streets.add(value(address, "streetAddress"))
        assert streets - {None} == {s.place_address for s in sessions} - {""}, slug


def test_the_conference_in_geneve_is_in_switzerland_organised_by_the_ilo(client):
    url = "/agenda/conference-internationale-du-travail-geneve-2025/"
    (node,) = expanded(client, url)
    address = nodes_of(nodes_of(node, "location")[0], "address")[0]
    assert value(address, "addressCountry") == "CH"
    (organiser,) = nodes_of(node, "organizer")
    assert "Organisation internationale du Travail" in value(organiser, "name")
    assert value(organiser, "url") == "https://www.ilo.org/"
    page = body(client.get(url)).decode()
    assert "Suisse" in page  # the page says where, too


def test_the_rencontre_des_solidaires_has_its_street(client):
    (node,) = expanded(client, "/agenda/rencontre-des-solidaires-2026/")
    address = nodes_of(nodes_of(node, "location")[0], "address")[0]
    assert value(address, "streetAddress") == "17 boulevard Jean-Baptiste Lebas"
    assert value(address, "addressLocality") == "Lille"
    assert value(address, "postalCode").startswith("590")


def test_actors_describe_themselves_as_organizations(client):
    from tisser.directory.models import Organisation

    published = Organisation.objects.filter(status=Organisation.Status.PUBLISHED)
    with_street = published.exclude(address="").order_by("pk")[:5]
    assert with_street
    for org in [*with_street, published.filter(address="").first()]:
        (node,) = expanded(client, reverse("directory:organisation", args=[org.slug]))
        assert node["@type"] == [SCHEMA + "Organization"]
        assert value(node, "name") == org.name
        address = nodes_of(node, "address")[0]
        assert value(address, "streetAddress") == (org.address or None)
        assert value(address, "addressCountry") == "FR"
        if org.latitude is not None:
            geo = nodes_of(node, "geo")[0]
            assert value(geo, "latitude") == org.latitude


def test_articles_describe_themselves_as_news_articles(client):
    from tisser.publications import queries

    articles = list(queries.published_articles()[:5])
    assert articles
    for article in articles:
        (node,) = expanded(client, article.get_absolute_url())
        assert node["@type"] == [SCHEMA + "NewsArticle"]
        assert value(node, "headline") == article.title[:110]
        assert value(node, "datePublished") and value(node, "dateModified")
        assert value(node, "image").startswith("http")
        assert value(nodes_of(node, "author")[0], "name")
        assert value(nodes_of(node, "publisher")[0], "name") == settings.NETWORK_NAME


# --- CSV ------------------------------------------------------------------------------


def read_csv(raw: bytes) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: spreadsheets read accents
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";", strict=True))
    assert rows and all(len(row) == len(rows[0]) for row in rows), "ragged rows"
    return rows


def test_the_public_csv_export(client):
    rows = read_csv(body(client.get("/carte/export.csv", {"territory": "dep-59"})))
    assert rows[0][:3] == ["nom", "slug", "url"] and len(rows) > 20


@pytest.mark.parametrize(
    "url",
    [
        "/gestion/organisations/export.csv",
        "/gestion/personnes/export.csv",
        "/gestion/adhesions/export.csv",
    ],
)
def test_staff_csv_exports(client, make_user, url):
    client.force_login(make_user("admin-csv@example.org", staff_role="admin"))
    rows = read_csv(body(client.get(url)))
    assert len(rows) > 2
