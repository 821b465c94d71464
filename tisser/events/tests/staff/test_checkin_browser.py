"""At the door, on a phone (Playwright + Debian Chromium, 390 × 844): a staff member logs
in, opens the check-in page of the course, types a name without its accents, sees the
list update as they type (htmx) and taps "Présent·e"; the attendance is recorded for
that day only."""

import re

import pytest

from tisser.events.models import Attendance
from tisser.events.registration import services
from tisser.events.registration.rules import Choices, OrganisationInfo, Registrant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 15_000


def test_staff_check_a_participant_in_on_a_phone(browser, live_server, make_user, course, orgs):
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


# The phone's camera and its QR decoder stand in for the device: a canvas stream as the
# camera, a BarcodeDetector that "sees" the given text. The page's own script is real.
FAKE_DEVICE = """
window.__seen = %s;
window.BarcodeDetector = class {
  constructor(options) { window.__formats = options.formats; }
  detect() { return Promise.resolve([{ rawValue: window.__seen }]); }
};
navigator.mediaDevices.getUserMedia = () => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 48;
  canvas.getContext("2d").fillRect(0, 0, 64, 48);
  return Promise.resolve(canvas.captureStream(5));
};
"""


def test_in_page_scanner_opens_the_ticket_it_sees(
    browser, live_server, make_user, settings, course
):
    import json

    from tisser.events.registration import tokens

    settings.SITE_URL = live_server.url
    make_user("accueil@example.org", staff_role="editor")
    ana = services.register(
        course,
        Registrant(email="ana@example.org", first_name="Ana", last_name="Lopez"),
        choices=Choices(),
    )
    desk = f"{live_server.url}/gestion/evenements/{course.pk}/accueil/"
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(desk)
        page.fill("#id_username", "accueil@example.org")
        page.fill("#id_password", "motdepasse-solide-42")
        page.click("form button[type=submit].primary")
        page.wait_for_url(re.compile(r"/accueil/"))
        # Without BarcodeDetector (this Chromium has none) the scanner stays hidden.
        assert not page.is_visible("#scanner-start")
        # A QR code that is not a ticket: said so, nothing opened.
        context.add_init_script(FAKE_DEVICE % json.dumps("https://example.org/promo"))
        page.goto(desk)
        page.click("#scanner-start")
        page.wait_for_function(
            "() => document.getElementById('scanner-status').textContent.includes('pas un billet')"
        )
        assert page.url == desk
        page.close()
        # The ticket of the confirmation: the check-in page of that person opens.
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.add_init_script(FAKE_DEVICE % json.dumps(tokens.checkin_url(ana)))
        page.goto(desk)
        page.click("#scanner-start")
        page.wait_for_url(re.compile(r"/gestion/evenements/pointage/"))
        assert "Ana Lopez" in page.content()
    finally:
        context.close()
