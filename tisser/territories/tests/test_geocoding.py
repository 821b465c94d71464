"""Geocoding against a fake national address API (BAN) on 127.0.0.1."""

import pytest

from tisser.territories.geocoding import Location, locate

from .fakeserver import FakeServer, closed_port_url

LILLE_CENTRE = (50.63178, 3.04706)


def ban_answer(score=0.92, kind="housenumber", citycode="59350", lon=3.0632, lat=50.6365):
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "label": "12 Rue de la Paix 59000 Lille",
                    "score": score,
                    "type": kind,
                    "citycode": citycode,
                    "postcode": "59000",
                    "city": "Lille",
                },
            }
        ],
    }


@pytest.fixture
def ban(settings):
    """A fake BAN whose next answer the test sets in `ban.answer`."""
    with FakeServer({"/search/": lambda query: (200, ban.answer)}) as server:
        ban = server
        server.answer = ban_answer()
        settings.TISSER_ADDRESS_API_URL = server.url
        settings.TISSER_HTTP_TIMEOUT = 2
        yield server


def test_a_confident_answer_gives_the_exact_address(hauts_de_france, ban):
    location = locate("12 rue de la Paix", "59000", "59350")
    assert location == Location(
        latitude=50.6365,
        longitude=3.0632,
        precision="housenumber",
        commune_code="59350",
        label="12 Rue de la Paix 59000 Lille",
    )
    path, query = ban.requests[0]
    assert path == "/search/"
    assert query["citycode"] == "59350" and query["postcode"] == "59000"
    assert query["limit"] == "1"
    assert query["q"] == "12 rue de la Paix 59000 Lille"  # completed with postcode and commune


@pytest.mark.parametrize(("ban_type", "precision"), [("street", "street"), ("locality", "street")])
def test_street_and_locality_answers_are_street_precise(hauts_de_france, ban, ban_type, precision):
    ban.answer = ban_answer(kind=ban_type)
    assert locate("rue de la Paix", "59000", "59350").precision == precision


def test_a_cedex_postcode_is_not_sent_to_the_ban(hauts_de_france, ban):
    """The BAN knows no CEDEX postcode: filtering on it would find nothing."""
    assert locate("1 place du Théâtre", "59046", "59350").precision == "housenumber"
    query = ban.requests[0][1]
    assert "postcode" not in query and query["citycode"] == "59350"
    assert query["q"] == "1 place du Théâtre Lille"


def test_without_a_commune_the_answer_names_it(hauts_de_france, ban):
    location = locate("12 rue de la Paix 59000 Lille")
    assert location.commune_code == "59350" and location.precision == "housenumber"
    assert "citycode" not in ban.requests[0][1]


def assert_commune_centre(location, fallback=None):
    assert location is not None
    if fallback is not None:
        assert location.fallback == fallback
    assert (location.latitude, location.longitude) == LILLE_CENTRE
    assert location.precision == "municipality"
    assert location.commune_code == "59350"
    assert location.label == "Lille (59)"


def test_a_low_score_falls_back_to_the_commune_centre(hauts_de_france, ban):
    ban.answer = ban_answer(score=0.31)
    assert_commune_centre(locate("3 impasse inconnue", "59000", "59350"), "unsure")


def test_an_answer_in_another_commune_is_rejected(hauts_de_france, ban):
    ban.answer = ban_answer(citycode="59009")  # Villeneuve-d'Ascq
    assert_commune_centre(locate("12 rue de la Paix", "", "59350"), "unsure")


def test_no_result_falls_back(hauts_de_france, ban):
    ban.answer = {"type": "FeatureCollection", "features": []}
    assert_commune_centre(locate("12 rue de la Paix", "", "59350"), "unsure")


@pytest.mark.parametrize("answer", ["<html>oops</html>", {"features": [{"geometry": None}]}])
def test_a_malformed_answer_falls_back(hauts_de_france, ban, answer):
    ban.answer = answer
    assert_commune_centre(locate("12 rue de la Paix", "", "59350"))


def test_a_server_error_falls_back(hauts_de_france, settings):
    with FakeServer({"/search/": lambda query: (500, {"error": "boom"})}) as server:
        settings.TISSER_ADDRESS_API_URL = server.url
        assert_commune_centre(locate("12 rue de la Paix", "59000", "59350"), "unavailable")
        assert len(server.requests) == 1


def test_a_rate_limit_is_waited_out_once(hauts_de_france, settings):
    answers = [(429, {}, {"Retry-After": "0.1"}), (200, ban_answer())]
    with FakeServer({"/search/": lambda query: answers.pop(0)}) as server:
        settings.TISSER_ADDRESS_API_URL = server.url
        location = locate("12 rue de la Paix", "59000", "59350")
        assert location.precision == "housenumber" and location.fallback == ""
        assert len(server.requests) == 2


def test_a_lasting_rate_limit_falls_back(hauts_de_france, settings):
    with FakeServer({"/search/": lambda query: (429, {}, {"Retry-After": "0"})}) as server:
        settings.TISSER_ADDRESS_API_URL = server.url
        assert_commune_centre(locate("12 rue de la Paix", "59000", "59350"), "unavailable")
        assert len(server.requests) == 2


def test_a_slow_server_times_out_and_falls_back(hauts_de_france, settings):
    with FakeServer({"/search/": lambda query: (200, ban_answer())}, delay=1.5) as server:
        settings.TISSER_ADDRESS_API_URL = server.url
        settings.TISSER_HTTP_TIMEOUT = 0.2
        assert_commune_centre(locate("12 rue de la Paix", "59000", "59350"), "unavailable")


def test_an_unreachable_server_falls_back(hauts_de_france, settings):
    settings.TISSER_ADDRESS_API_URL = closed_port_url()
    assert_commune_centre(locate("12 rue de la Paix", "59000", "59350"), "unavailable")


def test_offline_mode_asks_nothing_and_uses_the_commune(hauts_de_france, ban, settings):
    settings.TISSER_ADDRESS_API_URL = ""
    assert_commune_centre(locate("12 rue de la Paix", "59000", "59350"), "offline")
    assert ban.requests == []


def test_a_postcode_of_a_single_commune_is_enough_to_fall_back(hauts_de_france, settings):
    settings.TISSER_ADDRESS_API_URL = ""
    assert_commune_centre(locate("", "59000"))  # Lille alone has 59000
    assert locate("", "62400") is None  # Béthune and its neighbours share it: which one?


def test_nothing_to_go_on_gives_none(hauts_de_france, ban, settings):
    ban.answer = ban_answer(score=0.2)
    assert locate("quelque part", "") is None
    assert locate("", "59000", "99999") is None  # unknown commune
    settings.TISSER_ADDRESS_API_URL = ""
    assert locate("12 rue de la Paix") is None


def test_a_commune_without_a_centre_gives_none_offline(hauts_de_france, settings):
    from tisser.territories.models import Commune

    Commune.objects.filter(code="59350").update(latitude=None, longitude=None)
    settings.TISSER_ADDRESS_API_URL = ""
    assert locate("12 rue de la Paix", "59000", "59350") is None
