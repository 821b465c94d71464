"""At the door, on a phone (Playwright + Debian Chromium, 390 × 844): someone who did not
register walks in; staff search their name, find nobody, add them in a few taps, and see
them checked in."""

import re

import pytest

from tisser.events.models import Attendance, Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_walk_in_checked_in_on_a_phone(browser, live_server, make_user, course):
    make_user("accueil@example.org", staff_role="editor")
    first_day = course.sessions_list[0]
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/gestion/evenements/{course.pk}/accueil/")
        page.wait_for_url(re.compile(r"/compte/connexion/"))
        page.fill("#id_username", "accueil@example.org")
        page.fill("#id_password", "motdepasse-solide-42")
        page.click("form button[type=submit].primary")
        page.wait_for_url(re.compile(rf"/gestion/evenements/{course.pk}/accueil/"))
        # Nobody of that name: the way to add them is right there.
        page.fill("#checkin-q", "Morel")
        page.get_by_role("button", name="Rechercher").tap()
        page.wait_for_selector("text=Aucune personne inscrite ne correspond")
        form = page.locator("details.walk-in")
        assert form.get_attribute("open") is not None
        form.get_by_label("Prénom").fill("Inès")
        form.get_by_label(re.compile(r"^Nom")).fill("Morel")
        form.get_by_label("Courriel").fill("ines@example.org")
        form.locator("[name=organisation]").fill("Coop des Saveurs")
        button = form.get_by_role("button", name="Inscrire et pointer")
        box = button.bounding_box()
        assert box["height"] >= 40 and box["x"] + box["width"] <= 390
        button.tap()
        page.wait_for_selector("text=Inès Morel est inscrit·e et pointé·e.")
        # Back on the desk, their row says present.
        registration = Registration.objects.get(event=course, person__email="ines@example.org")
        row = page.locator(f"#checkin-{registration.pk}")
        assert "Présent" in row.inner_text()
        assert Attendance.objects.get(registration=registration, session=first_day).attended
        assert registration.organisation.name == "Coop des Saveurs"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
