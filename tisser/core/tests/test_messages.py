"""Messages shown after a redirect: a short one is only signed, a long one compressed;
both are read back, and a forged cookie is dropped."""

import subprocess
import sys

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


def test_the_web_process_sets_aside_what_it_loaded_from_the_collector():
    """`tisser.wsgi` loads the URLs and freezes what is alive: full collections no longer
    walk the code and settings of the process."""
    code = (
        "import gc, sys; import tisser.wsgi; "
        "print(gc.get_freeze_count(), 'tisser.events.views' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert int(out[0]) > 10_000 and out[1] == "True"
