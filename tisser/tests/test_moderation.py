"""The one moderation flow (`core.moderation`), on whichever database the suite runs: a
decision that fails changes nothing and tells nobody; the notice is written in the
proposer's language whatever the moderator's; a decided item stays decided."""

import pytest
from django.core import mail
from django.utils import translation

from tisser.core import moderation
from tisser.directory.models import Proposal
from tisser.directory.proposals.services import ProposalError, already_reviewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    return Proposal.objects.create(
        kind=Proposal.Kind.NEW,
        data={"name": "Épicerie solidaire"},
        proposer_name="Ana Lopez",
        proposer_email="ana@example.org",
        language="en",
    )


def notice(item, subject):
    return moderation.Notice(
        to=item.proposer_email,
        language=item.language,
        subject=subject,
        template="core/email/notice",
        context={"heading": subject, "lines": []},
        reply_to=item.reviewed_by.email,
    )


def decide(item, reviewer, apply):
    return moderation.decide(
        Proposal.objects.all(),
        item.pk,
        reviewer=reviewer,
        apply=apply,
        already_decided=already_reviewed,
    )


def test_a_decision_is_recorded_and_told_in_the_proposers_language(
    proposal, role_users, django_capture_on_commit_callbacks
):
    from django.utils.translation import gettext_lazy

    editor = role_users["editor"]

    def apply(item):
        item.status = Proposal.Status.REJECTED
        assert item.reviewed_by == editor and item.reviewed_at is not None
        return notice(item, gettext_lazy("Your proposal"))

    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        decided = decide(proposal, editor, apply)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED and proposal.reviewed_by == editor
    assert decided.reviewed_at == proposal.reviewed_at
    [message] = mail.outbox
    assert message.subject == "Your proposal" and message.to == ["ana@example.org"]
    assert message.reply_to == [editor.email]
    # Decided once: a second decision is refused with the domain's message.
    with translation.override("en"), pytest.raises(ProposalError, match="already been reviewed"):
        decide(proposal, role_users["admin"], apply)
    with translation.override("en"), pytest.raises(ProposalError, match="no longer exists"):
        moderation.decide(
            Proposal.objects.all(),
            987654,
            reviewer=editor,
            apply=apply,
            already_decided=already_reviewed,
        )


def test_a_decision_that_fails_changes_nothing_and_tells_nobody(
    proposal, role_users, django_capture_on_commit_callbacks
):
    def apply(item):
        item.status = Proposal.Status.ACCEPTED
        moderation.tell(notice(item, "sent too early?"))
        raise ProposalError("the actor's data no longer passes")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ProposalError):
        decide(proposal, role_users["editor"], apply)
    proposal.refresh_from_db()
    assert proposal.is_pending and proposal.reviewed_by is None and proposal.reviewed_at is None
    assert mail.outbox == []


def test_an_anonymous_reviewer_is_not_recorded(proposal, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import AnonymousUser

    def apply(item):
        item.status = Proposal.Status.REJECTED
        return None  # nobody to tell

    decide(proposal, AnonymousUser(), apply)
    proposal.refresh_from_db()
    assert proposal.reviewed_by is None and proposal.reviewed_at is not None
    assert mail.outbox == []
