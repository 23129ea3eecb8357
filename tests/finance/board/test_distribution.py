"""Sign-off e-mails: one per board member per sign-off, with the PDF attached, after commit."""

from __future__ import annotations

import pytest
from django.core import mail

from finance.board import services, tasks
from finance.board.models import BoardEmail

pytestmark = pytest.mark.django_db
MEMBERS = ["chair@example.org", "Treasurer@example.org", "chair@example.org "]


def test_running_the_send_task_twice_sends_one_email_per_member(sign_off_summary, settings):
    settings.BOARD_MEMBER_EMAILS = MEMBERS
    summary = sign_off_summary(6)
    assert tasks.send_board_summary(summary.pk) == 2
    assert tasks.send_board_summary(summary.pk) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["chair@example.org", "treasurer@example.org"]
    assert BoardEmail.objects.filter(summary=summary).count() == 2
    name, data, mimetype = mail.outbox[0].attachments[0]
    assert name == "board-pack-2024-25-p6-v1.pdf"
    assert mimetype == "application/pdf"
    assert data.startswith(b"%PDF")
    assert "signed off" in mail.outbox[0].subject


def test_a_member_whose_send_failed_is_sent_on_the_retry_and_no_one_twice(
    sign_off_summary, settings, monkeypatch
):
    settings.BOARD_MEMBER_EMAILS = MEMBERS
    summary = sign_off_summary(6)
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send

    def fail_for_treasurer(self, *args, **kwargs):
        if self.to == ["treasurer@example.org"]:
            raise ConnectionError("mail server went away")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", fail_for_treasurer)
    with pytest.raises(ConnectionError):
        services.board_summary_send(summary_id=summary.pk)
    assert [m.to for m in mail.outbox] == [["chair@example.org"]]
    monkeypatch.setattr(EmailMessage, "send", real_send)
    assert services.board_summary_send(summary_id=summary.pk) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["chair@example.org", "treasurer@example.org"]


def test_a_draft_is_never_sent(build_summary, settings):
    settings.BOARD_MEMBER_EMAILS = MEMBERS
    summary = build_summary().summary
    with pytest.raises(Exception, match="signed-off"):
        services.board_summary_send(summary_id=summary.pk)
    assert mail.outbox == []


def test_sign_off_queues_the_emails_and_the_packs_after_commit(
    build_summary, director_user, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.send_board_summary, "delay", lambda *a: queued.append(("send", a)))
    monkeypatch.setattr(tasks.build_board_pack, "delay", lambda *a: queued.append(("pack", a)))
    summary = build_summary().summary
    with django_capture_on_commit_callbacks(execute=True):
        services.board_summary_sign_off(summary_id=summary.pk, user=director_user)
    assert ("send", (summary.pk,)) in queued
    assert {("pack", (summary.pk, "pdf")), ("pack", (summary.pk, "xlsx"))} <= set(queued)


def test_signing_off_a_month_queues_a_refresh_of_later_drafts(
    build_summary, director_user, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    for task in (tasks.send_board_summary, tasks.build_board_pack, tasks.build_board_summary):
        monkeypatch.setattr(task, "delay", lambda *a, _t=task.name: queued.append((_t, a)))
    may = build_summary(5).summary
    build_summary(6)
    with django_capture_on_commit_callbacks(execute=True):
        services.board_summary_sign_off(summary_id=may.pk, user=director_user, distribute=False)
    assert ("finance.board.tasks.build_board_summary", (2024, 6)) in queued
    assert not any(name.endswith("send_board_summary") for name, _ in queued)
