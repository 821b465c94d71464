"""No input gives a server error: every URL pattern of the project, public, staff and
API, with NUL bytes, `inf`, `1e309`, huge, negative and overlong values in each query
parameter it reads (and NUL bytes or huge numbers in the fields of every form), as a
visitor and as staff, against the demo network — on SQLite, and on PostgreSQL (where a
NUL byte in a filter used to be a 500) when the suite runs there."""

import pytest

from . import walker

LILLE = "2.9,50.5,3.2,50.7"


def seeds() -> list[str]:
    """Where the crawl starts: every route without parameters, the map's data URLs (its
    script builds them), and the links only an email carries."""
    from tisser.events.models import Registration
    from tisser.events.registration.tokens import checkin_url, manage_url
    from tisser.publications.models import Subscription
    from tisser.publications.tokens import confirm_token, preferences_token

    urls = ["/" + route for route, _p in walker.patterns() if "<" not in route and "^" not in route]
    urls += [
        f"/carte/donnees/?bbox={LILLE}&zoom=10",
        f"/carte/donnees/?bbox={LILLE}&zoom=14&category=alimentation",
        f"/carte/liste/?bbox={LILLE}&page=1&format=json",
        f"/carte/export.csv?bbox={LILLE}&territory=dep-59",
        f"/api/v1/organisations/?bbox={LILLE}&page=1&page_size=10",
        "/territoires/communes.geojson?departement=59",
    ]
    registration = Registration.objects.order_by("pk").first()
    if registration:
        urls += [manage_url(registration), checkin_url(registration)]
    subscription = Subscription.objects.order_by("pk").first()
    if subscription:
        urls += [
            f"/preferences/{preferences_token(subscription.person_id)}/",
            f"/infolettre-confirmer/{confirm_token([subscription.pk])}/",
        ]
    return [u if u.startswith("/") else "/" + u.split("/", 3)[-1] for u in urls]


@pytest.mark.parametrize("role", ["anonymous", "staff"])
def test_no_url_answers_a_server_error_to_hostile_input(demo_network, db, client, make_user, role):
    if role == "staff":
        client.force_login(make_user("admin-walk@example.org", staff_role="admin"))
    with walker.reads() as recorded:
        site = walker.crawl(client, seeds())
        failures = walker.attack(client, site, recorded)
    print(f"{role}: {len(site.urls)} routes reached, {site.attempts} hostile requests")
    crashed = {url: status for url, status in site.statuses.items() if status >= 500}
    assert crashed == {}
    assert [str(f) for f in failures] == []
    # The walk really reached the project, not a login page.
    reached = {route for route, urls in site.urls.items() if urls}
    assert {"carte/", "carte/donnees/", "carte/export.csv", "api/v1/organisations/"} <= reached
    if role == "staff":
        assert {"gestion/", "gestion/adhesions/", "gestion/evenements/"} <= reached
        assert len(reached) >= 0.7 * len(walker.patterns())
