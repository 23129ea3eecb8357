"""The programme's part of the home page's tasks: a lead's update and overdue milestones, and
the programme office's chasing; each task appears when due and goes when done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from programme.models import Milestone
from programme.selectors.tasks import deadline_status, lead_tasks, office_tasks
from send_tracker.permissions import LEAD
from tests.programme import builders as build

pytestmark = pytest.mark.django_db
# The calendar of these tests: P6 2024/25 is the reporting month (ends 30 September 2024) and
# P7 the open period, whose updates are due ten working days after 31 October: 14 November.
P7_DEADLINE = dt.date(2024, 11, 14)
BEFORE = dt.date(2024, 11, 4)


@pytest.fixture
def lead_strand(reporting_calendar, make_user):
    reporting_calendar(2024, 6)
    lead = make_user(LEAD)
    strand = build.strand("Sufficiency", lead=lead)
    project = build.project(strand, "Resourced provision")
    return lead, strand, project


def titles(tasks: list[dict]) -> list[str]:
    return [t["title"] for t in tasks]


def test_a_deadline_is_due_until_its_day_has_passed():
    assert deadline_status(P7_DEADLINE, today=P7_DEADLINE) == ("Due 14 November 2024", False)
    assert deadline_status(P7_DEADLINE, today=P7_DEADLINE + dt.timedelta(days=1)) == (
        "Overdue", True)


def test_a_lead_is_asked_for_the_open_periods_update_until_every_project_is_submitted(
        lead_strand):
    lead, strand, project = lead_strand
    [update] = lead_tasks(lead, today=BEFORE)
    assert update["title"] == "Submit the P7 2024/25 (October 2024) update for Sufficiency"
    assert update["href"] == f"/programme/update/?strand={strand.slug}"
    assert update["hint"] == "1 project not submitted yet; updates are due by 14 November 2024."
    assert (update["status"], update["urgent"]) == ("Due 14 November 2024", False)
    assert lead_tasks(lead, today=dt.date(2024, 11, 15))[0]["status"] == "Overdue"

    build.update(project, 7, 100, 10, submitted=False)  # a draft is not an update yet
    assert len(lead_tasks(lead, today=BEFORE)) == 1
    project.updates.update(status="submitted", submitted_at=timezone.now())
    assert lead_tasks(lead, today=BEFORE) == []


def test_a_lead_sees_each_milestone_of_their_strands_overdue_at_the_reporting_months_end(
        lead_strand, make_user):
    lead, strand, project = lead_strand
    build.update(project, 7, 100, 10)  # nothing else due
    late = Milestone.objects.create(project=project, name="Plan agreed",
                                    baseline_date=dt.date(2024, 9, 1),
                                    forecast_date=dt.date(2024, 9, 29))
    Milestone.objects.create(project=project, name="After the month",
                             baseline_date=dt.date(2024, 9, 1), forecast_date=dt.date(2024, 9, 30))
    other = build.project(build.strand("Other", lead=make_user(LEAD)))
    Milestone.objects.create(project=other, name="Someone else's",
                             baseline_date=dt.date(2024, 9, 1), forecast_date=dt.date(2024, 6, 1))

    [task] = lead_tasks(lead, today=BEFORE)
    assert task["title"] == "Update the milestone “Plan agreed” (Resourced provision)"
    assert task["href"] == f"/programme/milestones/{late.pk}/edit/"
    assert task["hint"].startswith("Forecast 29 September 2024, not complete at 30 September 2024")
    assert task["status"] == "Overdue"

    late.actual_date = dt.date(2024, 10, 2)
    late.save()
    assert lead_tasks(lead, today=BEFORE) == []


def test_a_deputy_has_the_strands_tasks_and_someone_leading_nothing_has_none(
        lead_strand, make_user):
    _, strand, _ = lead_strand
    deputy, bystander = make_user(LEAD), make_user(LEAD)
    strand.deputies.add(deputy)
    assert titles(lead_tasks(deputy, today=BEFORE)) == [
        "Submit the P7 2024/25 (October 2024) update for Sufficiency"]
    assert lead_tasks(bystander, today=BEFORE) == []


def test_the_office_chases_missing_updates_then_closes_the_period(lead_strand):
    lead, _, project = lead_strand
    lead.first_name, lead.last_name = "Sam", "Sufficiency"
    lead.save()
    [chase] = office_tasks(today=BEFORE)
    assert chase["title"] == "Chase the P7 2024/25 (October 2024) updates"
    assert chase["href"] == "/programme/compliance/"
    assert "1 project has no submitted update (leads: Sam Sufficiency)" in chase["hint"]

    # After the deadline, closing the period is overdue as well.
    assert titles(office_tasks(today=dt.date(2024, 11, 15))) == [
        "Chase the P7 2024/25 (October 2024) updates",
        "Close P7 2024/25 (October 2024) in the reporting calendar"]

    build.update(project, 7, 100, 10)
    [close] = office_tasks(today=BEFORE)
    assert close["title"] == "Close P7 2024/25 (October 2024) in the reporting calendar"
    assert (close["href"], close["status"]) == ("/calendar/", "Ready to close")
