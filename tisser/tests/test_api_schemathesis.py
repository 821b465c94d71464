"""schemathesis against a live test server, for every operation of the generated
document, anonymous and with a staff token: no failure, no server error.

Bounded: a few examples per operation, one worker, a deterministic seed; it takes a
few minutes at most. Skipped (with the reason) only where schemathesis is not installed.
"""

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.no_api_contract]

#: What schemathesis judges: its checks that test the document's promises (status codes,
#: content types, response bodies, server errors, refusing what the schema forbids).
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "negative_data_rejection",
    ]
)
EXAMPLES = 10


@pytest.fixture
def network(make_user):
    """A little of everything the API reads."""
    from tisser.accounts.services_tokens import create_token
    from tisser.directory.models import Affiliation, Category, Organisation, Person
    from tisser.events.models import Event, EventKind, Session
    from tisser.governance.models import Assembly
    from tisser.observatory.models import Indicator, IndicatorValue
    from tisser.publications.models import Article, MailingList, Rubric

    category = Category.objects.create(name="Alimentation", slug="alimentation")
    org = Organisation.objects.create(name="Coop Lien", slug="coop-lien", status="published")
    org.categories.add(category)
    person = Person.objects.create(first_name="Inès", last_name="Lien", email="i@coop.example")
    Affiliation.objects.create(person=person, organisation=org, is_representative=True)
    kind = EventKind.objects.create(name="Fresque", slug="fresque")
    event = Event.objects.create(title="Fresque", slug="fresque", kind=kind, status="published")
    start = timezone.now() + dt.timedelta(days=10)
    Session.objects.create(
        event=event, starts_at=start, ends_at=start + dt.timedelta(hours=3), capacity=5
    )
    rubric = Rubric.objects.create(name="À la une", slug="a-la-une")
    Article.objects.create(
        title="Adhérez", slug="adherez", rubric=rubric, status="published",
        published_at=timezone.now() - dt.timedelta(days=1),
    )  # fmt: skip
    MailingList.objects.create(name="Infolettre", slug="infolettre", consent_wording="Oui")
    Assembly.objects.create(
        title="AG 2026", slug="ag-2026", starts_at=timezone.now(), status="closed"
    )
    indicator = Indicator.objects.create(slug="emplois", name="Emplois")
    IndicatorValue.objects.create(
        indicator=indicator, level="region", code="32", year=2024, value=1
    )
    editor = make_user("editeur@example.org", staff_role="admin")
    _row, token = create_token(
        editor,
        name="schemathesis",
        scopes=["public:read", "contacts:read", "registrations:read", "registrations:write",
                "memberships:read", "subscribers:read"],
        days=1,
    )  # fmt: skip
    return token


def run(base_url: str, report: Path, *headers: str) -> subprocess.CompletedProcess:
    cli = shutil.which("st") or str(Path(sys.executable).with_name("st"))
    document = report.with_suffix(".openapi.json")
    document.write_text(json.dumps(live_document(base_url)))
    command = [
        cli, "run", str(document),
        "--url", base_url,
        "--checks", CHECKS,
        "--max-examples", str(EXAMPLES),
        "--seed", "14",
        "--workers", "1",
        "--request-timeout", "20",
        "--generation-database", "none",
        "--report", "ndjson", "--report-ndjson-path", str(report),
    ]  # fmt: skip
    for header in headers:
        command += ["--header", header]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def test_every_operation_anonymous_and_with_a_staff_token(live_server, network, tmp_path):
    pytest.importorskip("schemathesis", reason="schemathesis is not installed")
    anonymous = run(live_server.url, tmp_path / "anonymous.ndjson")
    assert anonymous.returncode == 0, anonymous.stdout[-6000:]
    staff = run(live_server.url, tmp_path / "staff.ndjson", f"Authorization: Bearer {network}")
    assert staff.returncode == 0, staff.stdout[-6000:]
    # Every operation of the document was exercised, in both runs.
    operations = sum(len(item) for item in live_document(live_server.url)["paths"].values())
    for report in ("anonymous.ndjson", "staff.ndjson"):
        tested = operations_tested(tmp_path / report)
        assert len(tested) == operations, (report, sorted(tested))


def live_document(base_url: str) -> dict:
    import urllib.request

    with urllib.request.urlopen(f"{base_url}/api/openapi.json", timeout=120) as response:
        return json.load(response)


def operations_tested(report: Path) -> set[str]:
    """The operations that schemathesis' report shows requests for."""
    seen = set()
    for line in report.read_text().splitlines():
        for match in re.finditer(r'"label":\s*"([A-Z]+ /[^"]*)"', line):
            seen.add(match.group(1))
    return seen
