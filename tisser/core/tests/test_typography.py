"""French typography: the catalogues follow the rules, and the check catches what the
issue found ("Vos ateliers:", "inscrit(e)" beside "confirmé·es", « sans espace »)."""

from pathlib import Path

import pytest

from tisser.core import typography

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "text",
    [
        "Vos ateliers:",
        "L'événement : ici",  # an ordinary space breaks before the colon
        "Bienvenue!",
        "Déjà inscrit(e) ?",
        "3 confirmé·es",
        "«Rencontre» des Solidaires",
        "Rappel; demain",
    ],
)
def test_the_check_finds_each_fault(text):
    assert typography.problems_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Vos ateliers\u00a0:",
        "Vraiment\u202f?",
        "participant·e·s et référent·e",
        "«\u00a0Rencontre\u00a0» des Solidaires",
        "https://example.org/?q=1 à 10:30",
        "",
    ],
)
def test_correct_french_passes(text):
    assert typography.problems_in(text) == []


def test_every_french_catalogue_follows_the_rules():
    """What `make lint` checks, run by the suite too, so that CI holds the line."""
    catalogues = sorted(ROOT.glob("tisser/*/locale/fr/LC_MESSAGES/django.po"))
    assert catalogues
    report = [line for path in catalogues for line in typography.check_catalogue(path)]
    assert report == []


def test_a_bad_catalogue_fails_the_command(tmp_path, capsys):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Your workshops:"\nmsgstr "Vos ateliers:"\n',
        encoding="utf-8",
    )
    assert typography.main([str(po)]) == 1
    assert "no-break space missing" in capsys.readouterr().out
