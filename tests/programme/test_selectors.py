"""Savings sums, the latest-submitted-update rule, targets, milestones and risks, worked by hand."""

import datetime as dt

import pytest
import time_machine

from programme import selectors
from programme.models import Milestone, RaidItem
from programme.periods import is_period_closed, reminder_date, reporting_period, update_deadline
from send_tracker.fiscal import FinancialYear
from send_tracker.models import ReportingPeriod
from tests.programme import builders as build

FY = FinancialYear(2024)
K = 100_000  # £1,000 in pence


@pytest.fixture
def two_strands(db):
    """Strand A: target £200k; B: £250k; programme £500k (so £50k unallocated)."""
    a, b = build.strand("A"), build.strand("B")
    build.target(200 * K, strand=a)
    build.target(250 * K, strand=b)
    build.target(500 * K)
    a1, a2, b1 = build.project(a), build.project(a), build.project(b)
    build.update(a1, 3, 100 * K, 20 * K)
    build.update(a1, 5, 80 * K, 30 * K)  # the latest submitted at or before P6
    build.update(a1, 6, 999 * K, 999 * K, submitted=False)  # a draft: ignored
    build.update(a2, 2, 50 * K, 10 * K)  # carried to P6
    build.update(a2, 7, 60 * K, 15 * K)  # after P6: ignored at P6
    build.update(b1, 6, 240 * K, 100 * K)
    build.update(b1, 6, 1 * K, 1 * K, year=2023)  # another year: ignored
    return a, b


def test_strand_forecast_and_delivered_are_sums_of_latest_submitted_updates(two_strands):
    summary = selectors.programme_summary(year=FY, period=6)
    a, b = summary["strands"]
    assert (a["forecast_pence"], a["delivered_pence"]) == (130 * K, 40 * K)  # 80k+50k, 30k+10k
    assert a["shortfall_pence"] == 70 * K  # 200k − 130k
    assert a["rag"] == "red"  # 65% of target
    assert (b["forecast_pence"], b["shortfall_pence"], b["rag"]) == (240 * K, 10 * K, "amber")


def test_programme_total_and_unallocated_difference(two_strands):
    summary = selectors.programme_summary(year=FY, period=6)
    assert summary["target_pence"] == 500 * K
    assert summary["unallocated_pence"] == 50 * K  # 500k − (200k + 250k)
    assert summary["forecast_pence"] == 370 * K
    assert summary["delivered_pence"] == 140 * K
    assert summary["shortfall_pence"] == 130 * K
    assert summary["year"] == "2024/25"
    assert summary["period"] == 6
    assert set(summary) == {"year", "period", "strands", "target_pence", "forecast_pence",
                            "delivered_pence", "shortfall_pence", "unallocated_pence"}
    assert set(summary["strands"][0]) == {"name", "slug", "target_pence", "forecast_pence",
                                          "delivered_pence", "shortfall_pence", "rag"}


def test_a_later_submitted_period_wins_over_an_earlier_one(two_strands):
    a = selectors.programme_summary(year=FY, period=7)["strands"][0]
    assert a["forecast_pence"] == 140 * K  # 80k (P5) + 60k (P7)
    early = selectors.programme_summary(year=FY, period=4)["strands"][0]
    assert early["forecast_pence"] == 150 * K  # 100k (P3) + 50k (P2)


def test_submitting_the_draft_makes_it_count(two_strands):
    from programme.models import ProgressUpdate

    ProgressUpdate.objects.filter(period=6, status="draft").update(
        status="submitted", submitted_at=dt.datetime(2024, 10, 1, tzinfo=dt.UTC))
    a = selectors.programme_summary(year=FY, period=6)["strands"][0]
    assert a["forecast_pence"] == 1049 * K  # 999k + 50k


def test_without_a_programme_target_the_total_is_the_strands_sum(db):
    s = build.strand()
    build.target(300 * K, strand=s)
    summary = selectors.programme_summary(year=FY, period=6)
    assert summary["target_pence"] == 300 * K
    assert summary["unallocated_pence"] == 0


def test_a_strand_without_its_own_target_sums_its_projects_targets(db):
    s = build.strand()
    build.target(30 * K, project=build.project(s))
    build.target(45 * K, project=build.project(s))
    assert selectors.programme_summary(year=FY, period=1)["strands"][0]["target_pence"] == 75 * K


@pytest.mark.parametrize(
    ("target", "forecast", "delivered", "rag"),
    [(100, 100, 100, "blue"), (100, 100, 99, "green"), (100, 90, 0, "amber"),
     (100, 89, 0, "red"), (0, 0, 0, "none"), (0, 50, 50, "none")],
)
def test_strand_rag_thresholds(target, forecast, delivered, rag):
    assert selectors.strand_rag(target_pence=target, forecast_pence=forecast,
                                delivered_pence=delivered) == rag


def test_monthly_forecast_carries_each_project_forward(two_strands):
    rows = selectors.monthly_forecast(year=FY)
    by_period = {r["period"]: r["forecast_pence"] for r in rows}
    assert by_period[1] == 0
    assert by_period[2] == 50 * K
    assert by_period[3] == 150 * K
    assert by_period[5] == 130 * K
    assert by_period[6] == 370 * K  # 80k + 50k + 240k
    assert by_period[7] == 380 * K  # 80k + 60k + 240k
    assert by_period[8] is None  # not reported yet


def test_programme_targets_by_year_prefers_the_programme_row(db):
    s = build.strand()
    build.target(100, strand=s, year=2024)
    build.target(150, year=2024)
    build.target(400, strand=s, year=2025)
    assert selectors.programme_targets_by_year() == {2024: 150, 2025: 400}


def test_latest_submitted_period_ignores_drafts(two_strands):
    build.update(build.project(two_strands[0]), 9, 1, 0, submitted=False)
    assert selectors.latest_submitted_period() == (FY, 7)


def test_milestones_due_splits_due_in_the_period_from_overdue(db):
    p = build.project(build.strand())
    make = Milestone.objects.create
    d = dt.date
    make(project=p, name="due", baseline_date=d(2024, 9, 1), forecast_date=d(2024, 9, 20))
    make(project=p, name="late", baseline_date=d(2024, 6, 1), forecast_date=d(2024, 8, 31))
    make(project=p, name="done", baseline_date=d(2024, 6, 1), forecast_date=d(2024, 7, 1),
         actual_date=d(2024, 7, 1), status="complete")
    make(project=p, name="future", baseline_date=dt.date(2024, 12, 1),
         forecast_date=dt.date(2024, 12, 1))
    result = selectors.milestones_due(year=FY, period=6)
    assert [m["name"] for m in result["due"]] == ["due"]
    assert [m["name"] for m in result["overdue"]] == ["late"]
    assert result["overdue"][0]["days_late"] == 30  # 31 Aug → 30 Sep


def test_top_risks_are_open_risks_and_issues_by_score(db):
    s = build.strand()
    make = RaidItem.objects.create
    make(strand=s, kind="risk", title="medium", likelihood=3, impact=3)
    make(strand=s, kind="issue", title="high", likelihood=5, impact=4)
    make(strand=s, kind="risk", title="closed", likelihood=5, impact=5, status="closed")
    make(strand=s, kind="assumption", title="assumption", likelihood=5, impact=5)
    risks = selectors.top_risks(limit=5)
    assert [(r["title"], r["score"], r["band"]) for r in risks] == [
        ("high", 20, "high"), ("medium", 9, "medium")]


def test_raid_matrix_counts_items_per_cell(db):
    s = build.strand()
    for likelihood, impact in [(5, 4), (5, 4), (1, 2)]:
        RaidItem.objects.create(strand=s, kind="risk", title=f"{likelihood}{impact}",
                                likelihood=likelihood, impact=impact)
    matrix = selectors.raid_matrix(selectors.raid_items())
    top = matrix[0]
    assert top["likelihood"] == 5
    assert top["cells"][3] == {"impact": 4, "count": 2, "score": 20, "band": "high"}
    assert matrix[4]["cells"][1]["count"] == 1
    assert sum(c["count"] for row in matrix for c in row["cells"]) == 3


def test_the_deadline_is_ten_working_days_after_period_end_unless_the_calendar_moves_it(db):
    assert update_deadline(FY, 6) == dt.date(2024, 10, 14)
    assert reminder_date(FY, 6) == dt.date(2024, 10, 7)
    ReportingPeriod.objects.create(year=2024, period=6, lead_deadline=dt.date(2024, 10, 15),
                                   finance_close=dt.date(2024, 10, 8),
                                   board_date=dt.date(2024, 10, 21))
    assert update_deadline(FY, 6) == dt.date(2024, 10, 15)  # moved for a bank holiday
    assert reminder_date(FY, 6) == dt.date(2024, 10, 8)


def test_an_empty_calendar_closes_a_period_once_its_deadline_has_passed(db):
    with time_machine.travel(dt.date(2024, 10, 14), tick=False):
        assert not is_period_closed(FY, 6)  # deadline day
        assert reporting_period() == (FY, 6)
    with time_machine.travel(dt.date(2024, 10, 15), tick=False):
        assert is_period_closed(FY, 6)
        assert not is_period_closed(FY, 7)
        assert reporting_period() == (FY, 7)


def test_a_stored_calendar_closes_periods_only_when_they_are_closed_whatever_the_date(db):
    for period, state in ((5, "closed"), (6, "open")):
        ReportingPeriod.objects.create(year=2024, period=period, state=state,
                                       lead_deadline=dt.date(2024, period + 4, 14),
                                       finance_close=dt.date(2024, period + 4, 8),
                                       board_date=dt.date(2024, period + 4, 21))
    with time_machine.travel(dt.date(2027, 6, 1), tick=False):
        assert is_period_closed(FY, 5)
        assert not is_period_closed(FY, 6)  # long past its deadline, but not closed
        assert reporting_period() == (FY, 6)


def test_strand_projects_show_the_change_in_forecast_since_the_period_before(two_strands):
    rows = {r["project"]["pk"]: r for r in selectors.strand_projects(
        strand=two_strands[0], year=FY, period=5)}
    first, second = sorted(rows)
    assert rows[first]["update"]["period"] == 5
    assert rows[first]["previous"]["period"] == 3
    assert rows[first]["forecast_change"] == -20 * K  # £100k at P3 → £80k at P5
    assert rows[second]["forecast_change"] == 0  # P2 carried: no new update


def test_monthly_forecast_for_one_strand(two_strands):
    rows = selectors.monthly_forecast(year=FY, strand_id=two_strands[0].pk)
    assert [r["forecast_pence"] for r in rows[:7]] == [0, 50 * K, 150 * K, 150 * K, 130 * K,
                                                       130 * K, 140 * K]
    assert rows[6]["delivered_pence"] == 45 * K  # 30k (a1 P5) + 15k (a2 P7)


def test_history_shows_money_in_pounds_and_people_without_ids(make_user):
    from programme.models import Project

    strand = build.strand()
    project = build.project(strand, "Hist")
    project.lead = make_user()
    project.status = Project.Status.PAUSED
    project.save()
    update = build.update(project, 6, 100 * K, 0)
    update.forecast_pence = 90 * K
    update.save()
    entries = selectors.strand_history(strand=strand)
    changes = [c for e in entries for c in e["changes"]]
    assert "Forecast: £100,000 → £90,000" in changes
    assert "Lead: changed" in changes
    assert "Status: Active → Paused" in changes
