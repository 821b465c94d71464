"""Fixtures shared by every app's tests: one user per role of the permission matrix."""

import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def make_user(db):
    from tisser.accounts.models import User

    def make(email, staff_role="", **extra):
        extra.setdefault("email_verified", True)
        return User.objects.create_user(
            email=email, password="motdepasse-solide-42", staff_role=staff_role, **extra
        )

    return make


@pytest.fixture
def role_users(db, make_user):
    """The seven roles: anonymous (None), public, claimant (a claimed, unverified
    representative of the own organisation: a public form named it), representative,
    member, editor, admin."""
    from tisser.directory.models import Affiliation, Organisation, Person

    own = Organisation.objects.create(name="Coop Manau", slug="coop-manau", is_member=True)
    other = Organisation.objects.create(name="Autre Structure", slug="autre-structure")
    representative = make_user("representant@example.org")
    member = make_user("adherent@example.org")
    rep_person = Person.objects.create(
        first_name="Rita", last_name="Rep", email=representative.email, user=representative
    )
    member_person = Person.objects.create(
        first_name="Marc", last_name="Membre", email=member.email, user=member
    )
    Affiliation.objects.create(person=rep_person, organisation=own, is_representative=True)
    Affiliation.objects.create(person=member_person, organisation=own)
    claimant = make_user("demandeur@example.org")
    claimant_person = Person.objects.create(
        first_name="Claude", last_name="Demandeur", email=claimant.email, user=claimant
    )
    Affiliation.objects.create(
        person=claimant_person,
        organisation=own,
        status=Affiliation.Status.CLAIMED,
        claims_representation=True,
        source=Affiliation.Source.MEMBERSHIP_FORM,
        claim_email=claimant.email,
    )
    return {
        "anonymous": None,
        "public": make_user("public@example.org"),
        "claimant": claimant,
        "representative": representative,
        "member": member,
        "editor": make_user("editeur@example.org", staff_role="editor"),
        "admin": make_user("admin@example.org", staff_role="admin"),
        "own_organisation": own,
        "other_organisation": other,
    }


@pytest.fixture
def smtp_sink(settings):
    """Starts real SMTP servers on 127.0.0.1 (aiosmtpd, a free port each) that Django sends
    to: `smtp_sink(handler)` serves with an aiosmtpd handler and returns the port. Every
    server stops at the end of the test."""
    import socket

    from aiosmtpd.controller import Controller

    controllers = []

    def start(handler) -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        return port

    try:
        yield start
    finally:
        for controller in controllers:
            controller.stop()


@pytest.fixture
def smtp_server(smtp_sink):
    """A real SMTP server on 127.0.0.1 (aiosmtpd, free port); Django sends to it over SMTP.

    Yields an object with `.messages` (parsed `email.message.EmailMessage`s, in order) and
    `.envelopes` (the SMTP MAIL FROM / RCPT TO of each).
    """
    import email
    import email.policy
    from types import SimpleNamespace

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

    received.host, received.port = "127.0.0.1", smtp_sink(Sink())
    return received


@pytest.fixture
def smtp_for_worker(smtp_server, monkeypatch):
    """The SMTP server, named in the environment a worker process inherits (request it
    before `celery_worker_process`)."""
    monkeypatch.setenv("TISSER_EMAIL_HOST", smtp_server.host)
    monkeypatch.setenv("TISSER_EMAIL_PORT", str(smtp_server.port))
    monkeypatch.setenv("TISSER_EMAIL_USE_TLS", "0")
    return smtp_server


@pytest.fixture
def migrator(transactional_db):
    """`migrator(targets)` migrates to those migrations and gives their apps (for data
    migration tests); afterwards back to the latest state, whatever came since."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield migrate
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


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
    # Playwright's sync API runs an event loop in this thread; Django's test database
    # set-up and teardown then refuse to run unless told it is safe (it is, in tests).
    shutil.os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


def _reset_broker_pools(app):
    """Drop the app's broker connections so the next send uses the current settings."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    # kombu keeps its own registry of pools: a closed one left there fails the next send
    # ("Acquire on closed pool"), even an eager task's, in a later test.
    from kombu import pools

    pools.reset()


def test_database_url(connection) -> str:
    """`DATABASE_URL` of the test database, for a process the test starts (skips when the
    SQLite test database is in memory: no other process can share it)."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:memorydb"):
            pytest.skip("the SQLite test database is in memory: another process cannot share it")
        return f"sqlite:///{name}"
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def celery_workers(transactional_db, tmp_path):
    """Starts real `celery worker --pool solo` processes on the test database:
    `celery_workers(extra_env=None, name="test")` starts one and waits until it is ready.

    Tasks sent by the test go through a filesystem broker in a temporary folder (never the
    development one) to the workers, which run with the production settings module against
    the test database (a file on SQLite, `test_<name>` on PostgreSQL). The test may kill
    them and start others; every process started is stopped at the end. Each process has
    `.log_path` (one log for all of them) and `.start_another`. Use with
    `@pytest.mark.django_db(transaction=True)` so that the workers see committed rows.
    """
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.db import connection

    from tisser.celery import app

    url = test_database_url(connection)
    data_dir = tmp_path / "worker-data"
    broker = {
        "data_folder_in": str(data_dir / "broker" / "in"),
        "data_folder_out": str(data_dir / "broker" / "in"),
        "processed_folder": str(data_dir / "broker" / "processed"),
        "control_folder": str(data_dir / "broker" / "control"),
        "store_processed": False,
    }
    for folder in ("in", "processed", "control"):
        (data_dir / "broker" / folder).mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tisser.settings",
            "DATABASE_URL": url,
            "TISSER_DATA_DIR": str(data_dir),
            "BROKER_URL": "filesystem://",
            "TISSER_TASKS_EAGER": "0",
            "TISSER_ADDRESS_API_URL": "",
            "TISSER_GEO_API_URL": "",
            "TISSER_LOG_LEVEL": "WARNING",
        }
    )
    log_path = tmp_path / "worker.log"
    root = Path(__file__).resolve().parent.parent
    started = []

    def start(extra_env: dict | None = None, name: str = "test"):
        """A worker process (another one after a test killed the first: `start_another`)."""
        with open(log_path, "ab") as log:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "tisser",
                    "worker",
                    "--pool",
                    "solo",
                    "--loglevel",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--hostname",
                    f"{name}-{os.getpid()}-{len(started)}@localhost",
                ],
                cwd=root,
                env={**env, **(extra_env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started.append(worker)
        ready = len(started)
        deadline = time.monotonic() + 60
        while log_path.read_bytes().count(b" ready.") < ready:
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the worker did not start:\n" + log_path.read_text(errors="replace"))
            time.sleep(0.2)
        worker.log_path = log_path
        worker.start_another = start
        return worker

    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.task_always_eager = False
    app.conf.broker_url = "filesystem://"
    app.conf.broker_transport_options = broker
    _reset_broker_pools(app)
    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        _reset_broker_pools(app)
        (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options) = saved


@pytest.fixture
def celery_worker_process(celery_workers):
    """One real worker process on the test database (see `celery_workers`)."""
    return celery_workers()


@pytest.fixture(autouse=True)
def _api_responses_follow_the_document(request, monkeypatch):
    """Every response the test client receives under /api/ is checked against the
    generated OpenAPI document (`tisser/tests/api_contract.py`)."""
    if "no_api_contract" in request.keywords:
        yield
        return
    from django.test import Client

    from tisser.tests.api_contract import check

    original = Client.request

    def request_and_check(self, **request_args):
        response = original(self, **request_args)
        from django.conf import settings

        path = request_args.get("PATH_INFO", "")
        if (
            path.startswith("/api/")
            and settings.ROOT_URLCONF == "tisser.urls"  # not a test's own URLs
            and not getattr(response, "streaming", False)
        ):
            check(
                request_args.get("REQUEST_METHOD", "GET"),
                path,
                response.status_code,
                response.get("Content-Type", ""),
                response.content,
            )
        return response

    monkeypatch.setattr(Client, "request", request_and_check)
    yield


@pytest.fixture
def web_process(transactional_db, tmp_path):
    """Start real web processes on the test database: `web_process(env)` runs gunicorn
    with one worker on a free loopback port (production settings module, `env` added to
    the environment) and returns its base URL. Stopped at the end of the test."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    from django.db import connection

    url = test_database_url(connection)
    root = Path(__file__).resolve().parent.parent
    started = []

    def start(extra: dict) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        data_dir = tmp_path / f"web-{port}"
        data_dir.mkdir()
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
        env.pop("TISSER_CACHE_URL", None)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "tisser.settings",
                "DATABASE_URL": url,
                "TISSER_DATA_DIR": str(data_dir),
                "TISSER_TASKS_EAGER": "1",
                "TISSER_ADDRESS_API_URL": "",
                "TISSER_GEO_API_URL": "",
                "TISSER_MAP_TILES_URL": "",
                "TISSER_LOG_LEVEL": "WARNING",
                "TISSER_DEBUG": "0",
            }
        )
        env.update(extra)
        log_path = data_dir / "web.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "tisser.wsgi",
                    "--workers",
                    "1",
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                cwd=root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/health/", timeout=5):
                    break
            except OSError as error:
                if getattr(error, "code", None):  # any HTTP answer: it serves
                    break
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the web process did not start:\n" + log_path.read_text())
                time.sleep(0.2)
        return base

    yield start
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
