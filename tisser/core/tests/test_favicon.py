"""Pages name their icon, so browsers stop asking for a /favicon.ico that does not exist."""

import re

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_pages_link_an_icon_that_exists(client, db):
    page = client.get(reverse("core:home")).content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    path = href.split("/static/", 1)[1]
    assert finders.find(path), href
