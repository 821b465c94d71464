"""Fixtures of the memberships tests: two years, the seeds' colleges, a fee schedule."""

import datetime
from decimal import Decimal

import pytest

from tisser.directory.models import Organisation
from tisser.directory.tests.conftest import communes  # noqa: F401  (a fixture used here)
from tisser.memberships import services
from tisser.memberships.models import FeeRule


@pytest.fixture
def years(db):
    today = datetime.date.today()
    return {
        "current": services.ensure_year(today.year),
        "previous": services.ensure_year(today.year - 1),
        "next": services.ensure_year(today.year + 1),
    }


@pytest.fixture
def colleges(db):
    return {
        "ess": services.ensure_college("Structures de l'ESS", order=1),
        "reseaux": services.ensure_college("Réseaux et fédérations", vote_weight=2, order=2),
        "personnes": services.ensure_college("Personnes physiques", order=4),
    }


@pytest.fixture
def fees(years):
    year = years["current"]
    return {
        "default": FeeRule.objects.create(year=year, label="Structure", amount=Decimal("50")),
        "association_small": FeeRule.objects.create(
            year=year,
            label="Association 1-2",
            legal_form="association",
            workforce="1-2",
            amount=Decimal("30"),
        ),
        "scop": FeeRule.objects.create(
            year=year, label="SCOP", legal_form="scop", amount=Decimal("120")
        ),
        "free": FeeRule.objects.create(
            year=year,
            label="Soutien",
            legal_form="autre",
            amount=Decimal("10"),
            allows_free_amount=True,
        ),
    }


@pytest.fixture
def org(db):
    return Organisation.objects.create(
        name="Les Anges Gardins",
        slug="les-anges-gardins",
        legal_form="association",
        workforce="1-2",
    )


@pytest.fixture
def helloasso_secret(settings):
    from .helloasso_fakes import SECRET

    settings.TISSER_HELLOASSO_WEBHOOK_SECRET = SECRET
    settings.TISSER_HELLOASSO_CLIENT_ID = ""
    return SECRET


@pytest.fixture
def fake_helloasso(settings):
    """HelloAsso's API on loopback, configured as the one Tisser talks to."""
    from .helloasso_fakes import FakeHelloAsso

    with FakeHelloAsso() as fake:
        settings.TISSER_HELLOASSO_API_URL = fake.url
        settings.TISSER_HELLOASSO_CLIENT_ID = fake.CLIENT_ID
        settings.TISSER_HELLOASSO_CLIENT_SECRET = fake.CLIENT_SECRET
        settings.TISSER_HELLOASSO_ORGANIZATION = "apes-hauts-de-france"
        yield fake


@pytest.fixture
def smtp_for_worker(smtp_server, monkeypatch):
    """The real SMTP server, also named in the environment a worker process inherits
    (list it before `celery_worker_process`)."""
    monkeypatch.setenv("TISSER_EMAIL_HOST", smtp_server.host)
    monkeypatch.setenv("TISSER_EMAIL_PORT", str(smtp_server.port))
    monkeypatch.setenv("TISSER_EMAIL_USE_TLS", "0")
    return smtp_server
