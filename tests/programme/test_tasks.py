"""Progress reminders: the right leads, from five working days before the deadline, never twice."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from programme.models import ReminderSent
from programme.tasks import send_progress_reminders
from send_tracker.permissions import LEAD
from tests.programme import builders as build

K = 100_000


@pytest.fixture
def leads(make_user):
    """Two leads with a project each missing P6; a third whose project has submitted."""
    late, later, done = (make_user(LEAD, username=n) for n in ("late", "later", "done"))
    for lead in (late, later, done):
        build.project(build.strand(lead=lead), f"{lead.username} project")
    build.update(done.led_strands.get().projects.get(), 6, K, 0)
    build.update(later.led_strands.get().projects.get(), 6, K, 0, submitted=False)  # draft only
    return late, later, done


def test_reminders_go_to_leads_with_missing_updates_once_per_period(in_october_2024, leads):
    assert send_progress_reminders() == 2  # 7 October: five working days before 14 October
    assert sorted(m.to[0] for m in mail.outbox) == ["late@example.org", "later@example.org"]
    assert "P6 (September) 2024/25" in mail.outbox[0].subject
    assert "Monday 14 October 2024" in mail.outbox[0].subject
    assert send_progress_reminders() == 0  # the second run sends nothing
    assert len(mail.outbox) == 2
    assert ReminderSent.objects.count() == 2


def test_no_reminders_before_the_reminder_date_or_after_the_deadline(leads):
    for day in (dt.datetime(2024, 10, 4, 9, tzinfo=dt.UTC), dt.datetime(2024, 10, 15, 9,
                                                                         tzinfo=dt.UTC)):
        with time_machine.travel(day, tick=False):
            assert send_progress_reminders() == 0
    assert mail.outbox == []


def test_a_reminder_missed_on_the_day_is_sent_on_a_later_day_before_the_deadline(leads):
    with time_machine.travel(dt.datetime(2024, 10, 10, 9, tzinfo=dt.UTC), tick=False):
        assert send_progress_reminders() == 2


def test_the_beat_schedule_names_the_reminder_task():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["progress-reminders"]
    assert entry["task"] == send_progress_reminders.name


@pytest.fixture
def deadline_soon(monkeypatch):
    """Set the deadline so last period's reminders are due today, for a worker on the real clock."""
    from programme.periods import local_today
    from send_tracker.fiscal import current_period, period_end, previous_period

    today = local_today()
    end = period_end(*previous_period(*current_period(today)))
    working_days = sum(1 for n in range(1, (today - end).days + 1)
                       if (end + dt.timedelta(days=n)).weekday() < 5)
    # The deadline falls on the next working day, so today is inside the reminder window.
    monkeypatch.setenv("PROGRESS_UPDATE_DEADLINE_WORKING_DAY", str(working_days + 1))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_reminder_once(deadline_soon, make_user,
                                                celery_worker_process):
    lead = make_user(LEAD, username="worker-lead")
    build.project(build.strand(lead=lead), "Missing update")
    first = send_progress_reminders.delay().get(timeout=30)
    second = send_progress_reminders.delay().get(timeout=30)
    assert first >= 1  # last period (and this one, if its window has opened too)
    assert second == 0
    assert ReminderSent.objects.filter(lead=lead).count() == first
