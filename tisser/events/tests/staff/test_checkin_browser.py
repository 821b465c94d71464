"""At the door, on a phone (Playwright + Debian Chromium, 390 × 844): a staff member logs
in, opens the check-in page of the course, types a name without its accents, sees the
list update as they type (htmx) and taps "Présent·e"; the attendance is recorded for
that day only."""

import re

import pytest

from tisser.events import services
from tisser.events.models import Attendance
from tisser.events.services import Choices, OrganisationInfo, Registrant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 15_000


def test_staff_check_a_participant_in_on_a_phone(
    fresh_broker_pools, browser, live_server, make_user, course, orgs
):
    make_user("accueil@example.org", staff_role="editor")
    helene = services.register(
        course,
        Registrant(email="helene@example.org", first_name="Hélène", last_name="Dupré"),
        organisation=OrganisationInfo(organisation=orgs["asso"]),
        choices=Choices(),
    )
    services.register(
        course,
        Registrant(email="omar@example.org", first_name="Omar", last_name="Benali"),
        choices=Choices(),
    )
    first_day = course.sessions_list[0]
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(f"{live_server.url}/gestion/evenements/{course.pk}/accueil/")
        page.wait_for_url(re.compile(r"/compte/connexion/"))
        page.fill("#id_username", "accueil@example.org")
        page.fill("#id_password", "motdepasse-solide-42")
        page.click("form button[type=submit].primary")
        page.wait_for_url(re.compile(rf"/gestion/evenements/{course.pk}/accueil/"))
        # Typing is enough: htmx asks for the matches, no submit.
        page.locator("#checkin-q").press_sequentially("helene", delay=40)
        row = page.locator(f"#checkin-{helene.pk}")
        row.wait_for()
        assert "Hélène Dupré" in row.inner_text()
        assert "Omar" not in page.locator("#checkin-results").inner_text()
        # The button is big enough to tap and fits in the screen.
        button = row.locator("button")
        box = button.bounding_box()
        assert box["height"] >= 40 and box["x"] + box["width"] <= 390
        button.tap()
        page.wait_for_function(
            "id => document.querySelector('#checkin-' + id + ' .present-label') !== null",
            arg=helene.pk,
        )
        assert page.url.endswith("/accueil/")  # swapped in place, no page load
        assert Attendance.objects.get(registration=helene, session=first_day).attended
        assert Attendance.objects.filter(attended=True).count() == 1
        # No horizontal scrolling on the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
