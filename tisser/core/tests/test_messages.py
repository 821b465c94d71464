"""Messages shown after a redirect: a short one is only signed, a long one compressed;
both are read back, and a forged cookie is dropped."""

from django.contrib.messages import constants
from django.http import HttpResponse
from django.test import RequestFactory

from tisser.core.messages import COMPRESS_FROM, MessageStorage, SignedCookieStorage


def new_request():
    request = RequestFactory().get("/")
    request.session = {}  # where Django's storage puts what a cookie cannot hold
    return request


def stored(*texts):
    request = new_request()
    storage = MessageStorage(request)
    for text in texts:
        storage.add(constants.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    return response.cookies[SignedCookieStorage.cookie_name].value


def read(cookie):
    request = new_request()
    request.COOKIES[SignedCookieStorage.cookie_name] = cookie
    return [m.message for m in MessageStorage(request)]


def test_a_short_message_is_signed_not_compressed():
    cookie = stored("Vous êtes inscrit·e. Une confirmation arrive par email.")
    assert not cookie.startswith(".")  # zlib's mark
    assert read(cookie) == ["Vous êtes inscrit·e. Une confirmation arrive par email."]


def test_long_messages_are_compressed_and_read_back():
    texts = [f"Ligne {n} : " + "l’inscription est enregistrée. " * 4 for n in range(6)]
    assert sum(len(t) for t in texts) > COMPRESS_FROM
    cookie = stored(*texts)
    assert cookie.startswith(".")
    assert read(cookie) == texts


def test_a_forged_cookie_shows_nothing():
    cookie = stored("Vrai message")
    assert read(cookie[:-3] + "abc") == []
