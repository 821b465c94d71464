"""Two real web processes on one database and one cache agree: an organisation changed
through one shows at once on the other's map, and a rate limit counts both.

Run with the default cache (a folder shared by the processes of one machine) and with
Redis (skipped with the reason when no Redis answers on 127.0.0.1:6379)."""

import re
import socket
import uuid

import httpx
import pytest
from django.test import Client

from tisser.directory.models import Organisation

from .map_helpers import make_org
from .test_proposals import new_actor

FRANCE = "-5.5,41,10,51.5"
REDIS = ("127.0.0.1", 6379)

pytestmark = pytest.mark.django_db(transaction=True)


def redis_url() -> str:
    try:
        with socket.create_connection(REDIS, timeout=1):
            pass
    except OSError:
        pytest.skip("no Redis server on 127.0.0.1:6379: the Redis cache is not tested")
    return f"redis://{REDIS[0]}:{REDIS[1]}/3"


@pytest.fixture(params=["file", "redis"])
def two_processes(request, web_process, tmp_path):
    """Two gunicorn processes sharing the test database and one cache; the map's cache on."""
    if request.param == "redis":
        cache_env = {"TISSER_CACHE_URL": redis_url()}
    else:
        cache_env = {"TISSER_CACHE_URL": f"file://{tmp_path / 'shared-cache'}"}
    # Each test's keys apart: a Redis database outlives the test.
    cache_env["TISSER_CACHE_PREFIX"] = f"test-{uuid.uuid4().hex[:8]}"
    env = {"TISSER_MAP_CACHE_SECONDS": "300", "TISSER_PROPOSALS_PER_HOUR": "2", **cache_env}
    return web_process(env), web_process(env)


def map_total(base: str) -> int:
    response = httpx.get(f"{base}/carte/donnees/", params={"bbox": FRANCE, "zoom": "6"})
    assert response.status_code == 200, response.text
    return response.json()["total"]


def form_token(http: httpx.Client, path: str) -> str:
    page = http.get(path)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_a_change_made_through_one_process_shows_at_once_on_the_others_map(
    two_processes, make_user
):
    first, second = two_processes
    orgs = [make_org(f"Acteur {i}", 50.63 + i / 1000, 3.06, status="published") for i in range(5)]
    assert map_total(first) == map_total(second) == 5  # both now hold the clusters
    # A bulk write sends no signal: the cached clusters stay, which shows they are cached.
    Organisation.objects.filter(pk=orgs[0].pk).update(status=Organisation.Status.ARCHIVED)
    assert map_total(first) == map_total(second) == 5

    # A staff member archives another actor through the first process…
    browser = Client()
    browser.force_login(make_user("staff@example.org", staff_role="admin"))
    with httpx.Client(
        base_url=first, cookies={"sessionid": browser.cookies["sessionid"].value}
    ) as http:
        token = form_token(http, f"/gestion/organisations/{orgs[1].pk}/")
        done = http.post(
            f"/gestion/organisations/{orgs[1].pk}/archiver/",
            data={"csrfmiddlewaretoken": token, "action": "archive"},
        )
    assert done.status_code == 302, done.text
    # …and the second process's map shows it at once (both archives are now read).
    assert map_total(second) == 3
    assert map_total(first) == 3


def test_a_rate_limit_holds_across_both_processes(two_processes, communes, categories):
    first, second = two_processes
    statuses = []
    for n, base in enumerate([first, second, first, second]):
        with httpx.Client(base_url=base) as http:
            token = form_token(http, "/proposer/")
            data = new_actor(name=f"Acteur {n}", siret="")
            data["csrfmiddlewaretoken"] = token
            data["categories"] = data["categories"][0]
            statuses.append(http.post("/proposer/", data=data).status_code)
    # Two proposals an hour per address (both processes see 127.0.0.1): the third and the
    # fourth are refused, whichever process receives them.
    assert statuses == [302, 302, 429, 429]
