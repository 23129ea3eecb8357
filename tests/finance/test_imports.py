"""The ledger import: all-or-nothing, row-level problems, idempotent, and it feeds the pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from finance.models import Budget, BudgetLine, MonthlyForecast
from send_tracker.imports import run_import
from send_tracker.models import ImportRecord

HEADER = "year,period,line_code,budget,actual_to_date,forecast_outturn\n"
GOOD = (
    HEADER
    + '2024/25,P6,1.2.3,"£45,000,000","£26,000,000.50","£53,600,000"\n'
    + "2024-25,6,1.2.1,14500000,7000000,15900000.99\n"
    + "2024/25,5,1.2.1,14400000,5800000,15800000\n"
)


def _run(text: str, user=None) -> ImportRecord:
    return run_import(kind="ledger", data=text.encode(), file_name="ledger.csv", user=user)


@pytest.mark.django_db
def test_a_good_ledger_is_loaded_to_the_penny(finance_user):
    record = _run(GOOD, user=finance_user)

    assert record.status == ImportRecord.Status.SUCCEEDED, record.problems
    assert record.rows_created == 3
    row = MonthlyForecast.objects.get(line__code="1.2.1", year=2024, period=6)
    assert (row.budget_pence, row.actual_to_date_pence, row.forecast_outturn_pence) == (
        1_450_000_000, 700_000_000, 1_590_000_099)
    inmss = MonthlyForecast.objects.get(line__code="1.2.3", period=6)
    assert inmss.actual_to_date_pence == 2_600_000_050
    assert inmss.line.name.startswith("Top-up and other funding")
    # The approved budget comes from each line's latest period in the file (P6, not P5).
    assert Budget.objects.get(line__code="1.2.1", year=2024).budget_pence == 1_450_000_000


@pytest.mark.django_db
def test_importing_the_same_ledger_twice_changes_nothing(finance_user):
    _run(GOOD, user=finance_user)
    again = _run(GOOD, user=finance_user)

    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 3)
    assert MonthlyForecast.objects.count() == 3
    assert MonthlyForecast.history.count() == 3  # no new history rows either


@pytest.mark.django_db
def test_a_changed_figure_updates_only_its_row(finance_user):
    _run(GOOD, user=finance_user)
    record = _run(GOOD.replace("15900000.99", "16000000"), user=finance_user)

    assert (record.rows_updated, record.rows_unchanged) == (1, 2)
    assert MonthlyForecast.objects.get(line__code="1.2.1", period=6).forecast_outturn_pence == (
        1_600_000_000)


@pytest.mark.django_db
def test_a_ledger_with_bad_rows_writes_nothing_and_names_every_problem():
    bad = (
        HEADER
        + "2024/25,6,1.2.3,100,50,120\n"
        + "2024/25,13,1.2.1,100,50,120\n"  # row 3: period
        + "2024/25,6,9.9.9,100,50,120\n"  # row 4: unknown line
        + "2024/25,6,1.2.3,100,-5,120\n"  # row 5: duplicate key and negative spend
        + "2024/26,6,1.2.4,abc,50,120\n"  # row 6: year and money
    )
    record = _run(bad)

    assert record.status == ImportRecord.Status.REJECTED
    assert MonthlyForecast.objects.count() == 0
    assert BudgetLine.objects.count() == 0
    found = {(p["row"], p["column"]) for p in record.problems}
    assert {(3, "period"), (4, "line_code"), (5, "actual_to_date"), (2, "line_code"),
            (5, "line_code"), (6, "year"), (6, "budget")} <= found
    duplicate = next(p for p in record.problems if p["row"] == 5 and p["column"] == "line_code")
    assert "more than once" in duplicate["reason"]


@pytest.mark.django_db
def test_line_codes_are_matched_whatever_their_case_and_spacing():
    record = _run(HEADER + "2024/25,6, 1.2.3 ,100,50,120\n")

    assert record.status == ImportRecord.Status.SUCCEEDED, record.problems
    assert MonthlyForecast.objects.get().line.code == "1.2.3"


@pytest.mark.django_db
def test_the_import_file_command_loads_a_ledger(tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text(GOOD, encoding="utf-8")

    call_command("import_file", "ledger", str(path))

    assert MonthlyForecast.objects.count() == 3


@pytest.mark.django_db
def test_a_ledger_import_queues_one_trajectory_recompute(django_capture_on_commit_callbacks,
                                                         queued):
    from finance.models import Scenario

    Scenario.objects.create(slug="baseline", name="Baseline", is_baseline=True)
    with django_capture_on_commit_callbacks(execute=True):
        _run(GOOD)

    assert len(queued) == 1


@pytest.mark.django_db
def test_a_new_month_re_derives_the_pressures_the_cohort_can_give(monkeypatch):
    from finance.models import Pressure
    from finance.selectors import crossapp

    monkeypatch.setattr(crossapp, "cohort_summary", lambda *, on: {
        "plans": 100, "avg_cost_per_plan_pence": 1_000_000, "avg_cost_change_pence": 50_000})
    monkeypatch.setattr(crossapp, "plans_at", lambda *, on: None)

    _run(GOOD)

    inflation = Pressure.objects.get(year=2024, kind="inflation")
    assert inflation.amount_pence == 5_000_000  # £500 a plan × 100 plans
    assert inflation.derived is True
    assert "30 September 2024" in inflation.basis  # P6, the file's latest period
