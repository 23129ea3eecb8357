"""Reminders a programme manager chooses to send from the "who has not updated" page."""

import pytest
from django.core import mail

from programme import tasks
from programme.models import ReminderSent
from programme.services import progress_reminder_send
from send_tracker.permissions import LEAD, PROGRAMME_MANAGER
from tests.programme import builders as build

K = 100_000
PAGE = "/programme/compliance/?year=2024-25&period=6"
REMIND = "/programme/compliance/remind/?year=2024-25&period=6"


@pytest.fixture
def leads(make_user):
    """Two leads missing P6 (one with two projects), and one whose project has submitted."""
    late = make_user(LEAD, username="late", first_name="Lena", last_name="Late")
    slow = make_user(LEAD, username="slow", first_name="Sol", last_name="Slow")
    done = make_user(LEAD, username="done")
    strand = build.strand(lead=late)
    build.project(strand, "Travel training")
    build.project(strand, "Post-16 pathways")
    build.project(build.strand(lead=slow), "Early help hubs")
    build.update(build.project(build.strand(lead=done), "All done"), 6, K, 0)
    return {"late": late, "slow": slow, "done": done}


@pytest.fixture
def manager(make_user):
    return make_user(PROGRAMME_MANAGER, username="pmo", first_name="Pat", last_name="Office")


@pytest.fixture
def eager(monkeypatch):
    """The reminder task runs in this process when enqueued (the queue is not the point here)."""
    monkeypatch.setattr(tasks.send_progress_reminder, "delay",
                        lambda *args: tasks.send_progress_reminder.apply(args=args).get())


def test_a_manager_reminds_the_chosen_lead_by_email_after_commit(
    in_october_2024, leads, manager, client_for, eager, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    page = client.get(PAGE).content.decode()
    assert f'name="leads" type="checkbox" value="{leads["late"].pk}"' in page
    assert "Lena Late: 2 projects" in page
    title = page[page.find("<title>"):page.find("</title>")]
    assert "Who has not updated" in title
    assert "<form" not in title
    assert f'id="lead-{leads["done"].pk}"' not in page  # nothing missing: not offered

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(REMIND, {"leads": [leads["late"].pk]})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing is mailed until the request's transaction commits
    for callback in callbacks:
        callback()

    assert [m.to for m in mail.outbox] == [["late@example.org"]]
    body = mail.outbox[0].body
    assert "Travel training" in body
    assert "Post-16 pathways" in body
    assert "Early help hubs" not in body
    reminder = ReminderSent.objects.get()
    assert (reminder.lead, reminder.sent_by, reminder.year, reminder.period, reminder.projects) == (
        leads["late"], manager, 2024, 6, 2)
    assert reminder.mailed_at is not None
    assert reminder.history.earliest().history_user == manager

    after = client.get(response["Location"]).content.decode()
    assert "Reminder sent to Lena Late for P6 (September) 2024/25." in after
    assert "govuk-notification-banner--success" in after
    assert "Last reminded 7 Oct 2024 at 10:00 by Pat Office" in after
    assert "<td class=\"govuk-table__cell\">Pat Office</td>" in after


def test_a_reminder_is_mailed_once_however_often_its_task_runs(in_october_2024, leads, manager,
                                                              django_capture_on_commit_callbacks,
                                                              monkeypatch):
    from programme.services import progress_reminders_request
    from send_tracker.fiscal import FinancialYear

    monkeypatch.setattr(tasks.send_progress_reminder, "delay", lambda *args: None)
    (reminder,) = progress_reminders_request(lead_ids=[leads["slow"].pk], year=FinancialYear(2024),
                                             period=6, by=manager)
    assert progress_reminder_send(reminder_id=reminder.pk) is True
    assert progress_reminder_send(reminder_id=reminder.pk) is False
    assert len(mail.outbox) == 1


def test_choosing_no_lead_or_one_with_nothing_missing_sends_nothing(
    in_october_2024, leads, manager, client_for, eager
):
    client = client_for(manager)
    none = client.post(REMIND, {})
    assert none.status_code == 200
    assert "Select at least one lead to remind." in none.content.decode()
    both = client.post(REMIND, {"leads": [leads["late"].pk, leads["done"].pk]})
    html = both.content.decode()
    assert "A chosen lead has no project missing its update: reload the page." in html
    assert f'value="{leads["late"].pk}" aria-describedby="lead-{leads["late"].pk}-hint" checked' \
        in html  # the choice is kept
    assert not ReminderSent.objects.exists()
    assert mail.outbox == []


def test_a_manual_reminder_does_not_stop_the_automatic_one(in_october_2024, leads, manager,
                                                            client_for, eager):
    client_for(manager).post(REMIND, {"leads": [leads["late"].pk]})
    assert tasks.send_progress_reminders() == 2  # both leads still get the automatic reminder
    assert ReminderSent.objects.filter(lead=leads["late"]).count() == 2
    assert ReminderSent.objects.filter(lead=leads["late"], sent_by=None).count() == 1


def test_directors_see_who_was_reminded_but_cannot_send(in_october_2024, leads, director_client,
                                                        lead_client):
    html = director_client.get(PAGE).content.decode()
    title = html[html.find("<title>"):html.find("</title>")]
    assert "Who has not updated" in title
    assert "<form" not in title
    assert "Send reminder" not in html
    assert "No reminders have been sent for P6 (September) 2024/25." in html
    assert director_client.post(REMIND, {"leads": [leads["late"].pk]}).status_code == 403
    assert lead_client.post(REMIND, {"leads": [leads["late"].pk]}).status_code == 403
    assert not ReminderSent.objects.exists()



def test_the_reminder_is_in_the_audit_trail_with_who_sent_it(in_october_2024, leads, manager,
                                                             client_for, admin_user, eager):
    client_for(manager).post(REMIND, {"leads": [leads["slow"].pk]})
    html = client_for(admin_user).get("/audit/").content.decode()
    assert "Progress reminder: to Sol Slow for P6 2024/25" in html
    assert "Pat Office (pmo)" in html


@pytest.fixture
def mail_to_files(monkeypatch, tmp_path):
    """The worker (started after this) writes its e-mails as files here."""
    monkeypatch.setenv("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(tmp_path))
    return tmp_path


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_mails_a_chosen_reminder_after_the_request_commits(
    mail_to_files, leads, manager, celery_worker_process
):
    import time

    from programme.services import progress_reminders_request
    from send_tracker.fiscal import FinancialYear

    (reminder,) = progress_reminders_request(lead_ids=[leads["slow"].pk],
                                             year=FinancialYear(2024), period=6, by=manager)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        reminder.refresh_from_db()
        if reminder.mailed_at is not None:
            break
        time.sleep(0.2)
    assert reminder.mailed_at is not None
    sent = "".join(path.read_text() for path in mail_to_files.iterdir())
    assert "To: slow@example.org" in sent
    assert "Early help hubs" in sent
    assert "Travel training" not in sent
