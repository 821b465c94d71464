"""Email goes out through the task queue, after commit, over real SMTP, in two parts."""

import pytest
from django.db import transaction
from django.test import override_settings

from tisser.core.mail import render_templated_mail, send_templated_mail

NOTICE = {
    "heading": "Bienvenue & merci",
    "lines": ["Votre fiche <b>Coop</b> est publiée."],
    "action_url": "http://127.0.0.1:8000/carte/",
    "action_label": "Voir la carte",
}


@pytest.mark.django_db(transaction=True)
@override_settings(
    TISSER_NETWORK_NAME="Réseau test", DEFAULT_FROM_EMAIL="Tisser <noreply@test.example>"
)
def test_templated_mail_arrives_over_smtp_with_text_and_html(smtp_server):
    with transaction.atomic():
        send_templated_mail(
            to=["alice@example.org"],
            subject="Votre fiche est publiée",
            template="core/email/notice",
            context=NOTICE,
            reply_to=["equipe@example.org"],
        )
        assert smtp_server.messages == [], "nothing may leave before the commit"

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert smtp_server.envelopes[0].rcpt_tos == ["alice@example.org"]
    assert message["To"] == "alice@example.org"
    assert message["From"] == "Tisser <noreply@test.example>"
    assert message["Reply-To"] == "equipe@example.org"
    assert message["Subject"] == "Votre fiche est publiée"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Votre fiche <b>Coop</b> est publiée." in text  # plain text is not escaped
    assert "http://127.0.0.1:8000/carte/" in text
    assert "Votre fiche &lt;b&gt;Coop&lt;/b&gt; est publiée." in html  # HTML is escaped
    assert 'href="http://127.0.0.1:8000/carte/"' in html


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back(smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_templated_mail(
            to=["bob@example.org"], subject="x", template="core/email/notice", context=NOTICE
        )
        raise RuntimeError("the save failed")
    assert smtp_server.messages == []


def test_rendered_in_the_requested_language():
    from django.utils.translation import gettext_lazy as _

    english = render_templated_mail(
        subject=_("Confirm your email address"), template="core/email/notice", language="en"
    )
    french = render_templated_mail(
        subject=_("Confirm your email address"), template="core/email/notice", language="fr"
    )
    assert english["subject"] == "Confirm your email address"
    assert french["subject"] == "Confirmez votre adresse e-mail"
    assert 'lang="en"' in english["html"] and 'lang="fr"' in french["html"]


def test_a_template_without_html_sends_text_only(tmp_path, settings):
    (tmp_path / "plain.txt").write_text("Bonjour {{ name }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    rendered = render_templated_mail(subject="S", template="plain", context={"name": "Zoé"})
    assert rendered == {"subject": "S", "body": "Bonjour Zoé", "html": None}


class _Refusing:
    """An SMTP server that refuses recipients, or asks to come back later."""

    def __init__(self, rcpt_reply="250 OK", data_reply="250 OK"):
        self.rcpt_reply, self.data_reply, self.attempts = rcpt_reply, data_reply, 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.attempts += 1
        if self.rcpt_reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.rcpt_reply

    async def handle_DATA(self, server, session, envelope):
        return self.data_reply


@pytest.fixture
def refusing_server(smtp_sink):
    def start(**replies):
        handler = _Refusing(**replies)
        smtp_sink(handler)
        return handler

    return start


def test_a_refused_address_is_not_retried(refusing_server):
    import smtplib

    from tisser.core.tasks import send_email

    server = refusing_server(rcpt_reply="550 5.1.1 No such user")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_email.apply(kwargs={"to": ["nobody@example.org"], "subject": "s", "body": "b"})
    assert server.attempts == 1


def test_a_busy_server_is_retried(refusing_server):
    from celery.exceptions import Retry

    from tisser.core.tasks import send_email

    server = refusing_server(data_reply="451 4.3.0 Try again later")
    # Run in-process, the task hands itself back to the queue instead of failing.
    with pytest.raises(Retry):
        send_email.apply(kwargs={"to": ["later@example.org"], "subject": "s", "body": "b"})
    assert server.attempts == 1


def test_a_subject_keeps_its_non_breaking_spaces_on_one_line():
    """French typography in subjects (« : » wants U+00A0) survives the flattening of line
    breaks, which a header cannot hold."""
    from tisser.core.mail import one_line

    assert one_line("Votre inscription\n  est confirmée\u00a0: Rencontre ") == (
        "Votre inscription est confirmée\u00a0: Rencontre"
    )
    assert one_line("«\u202fRencontre\u202f»\r\n") == "«\u202fRencontre\u202f»"
