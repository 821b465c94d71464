"""The design system's template tags: icons, dates, numbers, the network's name."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from tisser.core import network


def render(text, **context):
    return Template("{% load tisser_ui %}" + text).render(Context(context))


def test_icons_are_decorative_unless_labelled():
    svg = render('{% icon "calendar-days" %}')
    assert svg.startswith("<svg") and 'aria-hidden="true"' in svg and 'focusable="false"' in svg
    labelled = render('{% icon "triangle-alert" label=warning %}', warning="<b>Late</b>")
    assert 'role="img"' in labelled and "aria-hidden" not in labelled
    assert "<title>&lt;b&gt;Late&lt;/b&gt;</title>" in labelled
    assert render('{% icon "no-such-icon" %}') == ""


def test_days_are_written_out():
    day = datetime.date(2026, 6, 19)
    with translation.override("fr"):
        assert render("{{ d|day }}", d=day) == "ven. 19 juin"
        assert render('{{ d|date:"j F Y" }}', d=day) == "19 juin 2026"
        assert render("{{ d|day }}", d=datetime.date(2026, 12, 3)) == "jeu. 3 décembre"
    with translation.override("en"):
        assert render("{{ d|day }}", d=day) == "Fri 19 June"


def test_numbers_are_grouped_the_way_the_language_writes_them():
    with translation.override("fr"):
        assert render("{{ n|number }}", n=1234567) == "1\xa0234\xa0567"
    with translation.override("en"):
        assert render("{{ n|number }}", n=1234567) == "1,234,567"


@pytest.mark.parametrize(
    ("article", "french", "sentence", "contracted"),
    [
        ("l'", "l’APES Hauts-de-France", "Adhérer à l’APES Hauts-de-France", None),
        ("la", "la APES Hauts-de-France", "de la APES Hauts-de-France", None),
        (
            "le",
            "le APES Hauts-de-France",
            "Adhérer à le APES Hauts-de-France",
            "Adhérer au APES Hauts-de-France",
        ),
        (
            "les",
            "les APES Hauts-de-France",
            "La carte de les APES Hauts-de-France",
            "La carte des APES Hauts-de-France",
        ),
        ("", "APES Hauts-de-France", "Adhérer à APES Hauts-de-France", None),
    ],
)
def test_the_network_takes_its_article_in_french(settings, article, french, sentence, contracted):
    settings.NETWORK_NAME, settings.NETWORK_ARTICLE = "APES Hauts-de-France", article
    assert network.display_name("fr") == french
    assert network.display_name("en") == "APES Hauts-de-France"
    assert network.contract(sentence) == (contracted or sentence)
    # Never outside the name: "prêt à le faire" stays as it is.
    assert network.contract("prêt à le faire") == "prêt à le faire"
