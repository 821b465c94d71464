"""Fixtures shared by every app's tests: one user per role of the permission matrix."""

import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def make_user(db):
    from tisser.accounts.models import User

    def make(email, staff_role="", **extra):
        extra.setdefault("email_verified", True)
        return User.objects.create_user(email=email, password="motdepasse-solide-42",
                                         staff_role=staff_role, **extra)

    return make


@pytest.fixture
def role_users(db, make_user):
    """The six roles: anonymous (None), public, representative, member, editor, admin."""
    from tisser.directory.models import Affiliation, Organisation, Person

    own = Organisation.objects.create(name="Coop Manau", slug="coop-manau", is_member=True)
    other = Organisation.objects.create(name="Autre Structure", slug="autre-structure")
    representative = make_user("representant@example.org")
    member = make_user("adherent@example.org")
    rep_person = Person.objects.create(first_name="Rita", last_name="Rep",
                                       email=representative.email, user=representative)
    member_person = Person.objects.create(first_name="Marc", last_name="Membre",
                                          email=member.email, user=member)
    Affiliation.objects.create(person=rep_person, organisation=own, is_representative=True)
    Affiliation.objects.create(person=member_person, organisation=own)
    return {
        "anonymous": None,
        "public": make_user("public@example.org"),
        "representative": representative,
        "member": member,
        "editor": make_user("editeur@example.org", staff_role="editor"),
        "admin": make_user("admin@example.org", staff_role="admin"),
        "own_organisation": own,
        "other_organisation": other,
    }


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd, free port); Django sends to it over SMTP.

    Yields an object with `.messages` (parsed `email.message.EmailMessage`s, in order) and
    `.envelopes` (the SMTP MAIL FROM / RCPT TO of each).
    """
    import email
    import email.policy
    import socket
    from types import SimpleNamespace

    from aiosmtpd.controller import Controller

    received = SimpleNamespace(messages=[], envelopes=[])

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            received.envelopes.append(
                SimpleNamespace(mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos))
            )
            received.messages.append(
                email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            )
            return "250 Message accepted for delivery"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    received.host, received.port = "127.0.0.1", port
    try:
        yield received
    finally:
        controller.stop()


@pytest.fixture
def hauts_de_france(db):
    """Real territories: every région and département (with outlines), and the 3,800
    communes of départements 02, 59, 60, 62, 80 with their EPCI and centroids, from the
    shipped files (about 0.3 s). Returns the Hauts-de-France `Region` (code "32")."""
    from tisser.territories.models import Region
    from tisser.territories.services import HAUTS_DE_FRANCE, load_reference_data

    load_reference_data(departements=HAUTS_DE_FRANCE)
    return Region.objects.get(code="32")


@pytest.fixture(scope="session")
def browser():
    """A real headless Debian Chromium driven by Playwright; skipped where there is none."""
    if not shutil.which(CHROMIUM) and not shutil.os.path.exists(CHROMIUM):
        pytest.skip("Debian Chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield instance
        instance.close()
