"""Progress reminders: the right leads, from five working days before the deadline, never twice."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from programme.models import ReminderSent
from programme.tasks import send_progress_reminders
from send_tracker.permissions import LEAD

K = 100_000


@pytest.fixture
def leads(build, make_user):
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
