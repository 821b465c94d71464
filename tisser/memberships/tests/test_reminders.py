"""Renewal reminders: before the year ends and after it lapsed, over real SMTP, never
twice the same, and sent by a real worker process."""

import datetime
import time

import pytest

from tisser.directory.models import Affiliation, Organisation, Person
from tisser.memberships import reminders, services
from tisser.memberships.models import Reminder
from tisser.memberships.tasks import send_renewal_reminders


@pytest.fixture
def network(db):
    """2025 and 2026; three organisations validated in 2025, two of them renewing."""
    y2025, y2026 = services.ensure_year(2025), services.ensure_year(2026)
    orgs = {}
    for name, email in [
        ("Les Anges Gardins", "camille@anges.example.org"),
        ("APRR", "lou@aprr.example.org"),
        ("Coop Fidèle", "noe@fidele.example.org"),
    ]:
        org = Organisation.objects.create(name=name, slug=name.lower().replace(" ", "-"))
        person = Person.objects.create(first_name=name.split()[0], email=email)
        Affiliation.objects.create(person=person, organisation=org, is_representative=True)
        membership, _ = services.request_membership(org, y2025, representative=person)
        services.validate_membership(membership)
        orgs[name] = org
    renewed, _ = services.request_membership(orgs["Coop Fidèle"], y2026)
    services.validate_membership(renewed)
    pending, _ = services.request_membership(orgs["APRR"], y2026)  # asked, not paid yet
    return {"orgs": orgs, "2025": y2025, "2026": y2026}


def addresses(smtp):
    return sorted(to for env in smtp.envelopes for to in env.rcpt_tos)


@pytest.mark.django_db(transaction=True)
def test_lapsed_members_are_reminded_once_over_smtp(network, smtp_server, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    early = datetime.date(2026, 1, 5)  # before the 15 days of grace
    assert reminders.send_due_reminders(early) == {"before_end": 0, "lapsed": 0}
    day = datetime.date(2026, 2, 1)
    assert reminders.send_due_reminders(day) == {"before_end": 0, "lapsed": 1}
    # not the renewed one, not the one whose renewal is pending
    assert addresses(smtp_server) == ["camille@anges.example.org"]
    message = smtp_server.messages[0]
    assert "2026" in message["Subject"] and "renouvelée" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "Les Anges Gardins" in text and "renouveler=" in text
    # the link in it is a working renewal link
    token = text.split("renouveler=")[1].split()[0]
    assert reminders.organisation_from_token(token) == network["orgs"]["Les Anges Gardins"]
    # the next days: nothing more
    assert reminders.send_due_reminders(day + datetime.timedelta(days=1))["lapsed"] == 0
    assert len(smtp_server.messages) == 1
    assert Reminder.objects.get().kind == "lapsed"


@pytest.mark.django_db(transaction=True)
def test_before_the_year_ends_members_not_yet_renewed_are_reminded(network, smtp_server):
    services.ensure_year(2027)
    day = datetime.date(2026, 12, 5)
    assert reminders.send_due_reminders(datetime.date(2026, 11, 1)) == {
        "before_end": 0,
        "lapsed": 1,  # Anges Gardins, lapsed since 2025
    }
    assert reminders.send_due_reminders(day) == {"before_end": 1, "lapsed": 0}
    assert addresses(smtp_server) == ["camille@anges.example.org", "noe@fidele.example.org"]
    before = smtp_server.messages[-1]
    assert "31 décembre 2026" in before["Subject"]
    assert reminders.send_due_reminders(day) == {"before_end": 0, "lapsed": 0}
    assert len(smtp_server.messages) == 2


def test_a_second_run_racing_the_first_sends_nothing_more(network, smtp_server, settings):
    """The unique row is what prevents a double: a reminder row already there wins."""
    Reminder.objects.create(
        organisation=network["orgs"]["Les Anges Gardins"],
        year=network["2026"],
        kind="lapsed",
        email="camille@anges.example.org",
    )
    assert reminders.send_due_reminders(datetime.date(2026, 3, 1))["lapsed"] == 0
    org = network["orgs"]["Les Anges Gardins"]
    # even called directly, past the query's filter
    assert not reminders._send(org, network["2026"], "lapsed", None, {"subject": "x", "lines": []})
    assert smtp_server.messages == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reminders(network, smtp_for_worker, celery_worker_process):
    send_renewal_reminders.delay(today="2026-02-01")
    deadline = time.monotonic() + 60
    while not smtp_for_worker.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    log = celery_worker_process.log_path.read_text(errors="replace")
    assert addresses(smtp_for_worker) == ["camille@anges.example.org"], log
    assert Reminder.objects.filter(kind="lapsed").count() == 1
    send_renewal_reminders.delay(today="2026-02-02")  # the next day's run
    done, finished = "send_renewal_reminders[", []
    while time.monotonic() < deadline:
        log = celery_worker_process.log_path.read_text(errors="replace")
        finished = [line for line in log.splitlines() if done in line and "succeeded" in line]
        if len(finished) == 2:
            break
        time.sleep(0.2)
    assert "'lapsed': 0" in finished[-1], log
    time.sleep(0.5)  # an email would have been queued by the task that just finished
    assert len(smtp_for_worker.messages) == 1, log
    assert Reminder.objects.count() == 1
