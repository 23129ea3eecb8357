"""Budget monitoring, the finance summary and the bridge, against figures worked by hand."""

from __future__ import annotations

import random

import pytest

from finance import selectors
from finance.selectors import crossapp
from finance.selectors.summary import derived_pressures, overspend_bridge
from send_tracker.fiscal import FinancialYear


@pytest.mark.django_db
def test_budget_monitoring_shows_variance_rag_and_movement_by_line(small_finance):
    report = selectors.budget_monitoring(year=FinancialYear(2024), period=2)

    by_code = {line["code"]: line for line in report["lines"]}
    # 1.2.3: 1,100,000 − 1,000,000 = 100,000 over (10.0%); red at min(5% = 50,000, £100,000).
    assert by_code["1.2.3"]["variance_pence"] == 100_000
    assert str(by_code["1.2.3"]["variance_pct"]) == "10.0"
    assert by_code["1.2.3"]["rag"] == "red"
    assert by_code["1.2.3"]["movement_pence"] == 50_000  # P1 1,050,000 → P2 1,100,000
    # 1.2.1: 490,000 − 500,000 = 10,000 under (−2.0%): green; moved down 10,000.
    assert by_code["1.2.1"]["variance_pence"] == -10_000
    assert str(by_code["1.2.1"]["variance_pct"]) == "-2.0"
    assert by_code["1.2.1"]["rag"] == "green"
    assert by_code["1.2.1"]["movement_pence"] == -10_000
    totals = report["totals"]
    assert (totals["budget_pence"], totals["forecast_outturn_pence"], totals["variance_pence"]) == (
        1_500_000, 1_590_000, 90_000)
    assert str(totals["variance_pct"]) == "6.0"
    assert totals["movement_pence"] == 40_000
    assert [line["code"] for line in report["lines"]] == ["1.2.1", "1.2.3"]  # in line order


@pytest.mark.parametrize(("variance", "budget", "rag"), [
    (49_999, 1_000_000, "amber"),  # ≥ 1% (10,000) but under 5% (50,000)
    (50_000, 1_000_000, "red"),  # 5% of budget is lower than £100,000
    (9_999, 1_000_000, "green"),  # under 1%
    (10_000_000, 10_000_000_000, "red"),  # £100,000 is lower than 5% of £100m
    (9_999_999, 10_000_000_000, "green"),  # under both thresholds, and under 1%
    (-5_000_000, 1_000_000, "green"),  # an underspend
])
def test_variance_rag_is_red_at_five_percent_or_100000_pounds_whichever_is_lower(
        variance, budget, rag):
    assert selectors.variance_rag(variance_pence=variance, budget_pence=budget) == rag


def test_the_rag_thresholds_come_from_settings(settings):
    settings.BUDGET_RAG_RED_PENCE = 1_000

    assert selectors.variance_rag(variance_pence=1_000, budget_pence=10_000_000_000) == "red"


@pytest.mark.django_db
def test_the_finance_summary_adds_up_by_hand(small_finance):
    summary = selectors.finance_summary(year="2024-25", period=2)

    # Forecast 1,590,000 − income 1,200,000 = deficit 390,000; cap 300,000 → 90,000 over.
    assert summary["budget_pence"] == 1_500_000
    assert summary["forecast_outturn_pence"] == 1_590_000
    assert summary["in_year_deficit_pence"] == 390_000
    assert summary["sv_cap_pence"] == 300_000
    assert summary["variance_to_cap_pence"] == 90_000
    assert summary["pressures"] == {"backlog": 40_000, "slippage": 25_000}
    assert summary["mitigations_pence"] == 30_000  # the abandoned 99,000 is left out
    assert summary["savings_shortfall_pence"] == 0  # no programme data
    assert summary["deficit_after_mitigations_pence"] == 360_000
    assert [(s["label"], s["pence"]) for s in summary["bridge"]] == [
        ("Safety Valve in-year cap", 300_000),
        ("Savings shortfall", 0),
        ("Pressure: backlog clearance", 40_000),
        ("Pressure: slippage", 25_000),
        ("Other movements (balancing item)", 25_000),  # 390,000 − 300,000 − 40,000 − 25,000
        ("Forecast in-year deficit", 390_000),
        ("Mitigations identified", -30_000),
        ("Deficit after mitigations", 360_000),
    ]


def _assert_reconciles(steps):
    running = 0
    for step in steps:
        if step["measure"] == "absolute":
            running = step["pence"]
        elif step["measure"] == "relative":
            running += step["pence"]
        else:
            assert step["pence"] == running, step["label"]


def test_the_bridge_always_reconciles_to_the_penny():
    rng = random.Random(7)
    for _ in range(200):
        pressures = {k: rng.randint(-10**9, 10**10) for k in ("demand", "backlog", "inflation")
                     if rng.random() < 0.8}
        steps = overspend_bridge(
            cap_pence=rng.randint(0, 10**10), savings_shortfall_pence=rng.randint(-10**9, 10**9),
            pressures=pressures, in_year_deficit_pence=rng.randint(-10**9, 10**11),
            mitigations_pence=rng.randint(0, 10**9))
        _assert_reconciles(steps)


@pytest.mark.django_db
def test_inflation_and_demand_are_derived_from_the_cohort_with_their_basis(monkeypatch):
    monkeypatch.setattr(crossapp, "cohort_summary", lambda *, on: {
        "plans": 8_994, "avg_cost_per_plan_pence": 2_000_000, "avg_cost_change_pence": 66_600})
    plans = {2022: 8_000, 2023: 8_400, 2024: 8_700}
    monkeypatch.setattr(crossapp, "plans_at", lambda *, on: plans[on.year])

    derived = derived_pressures(year=FinancialYear(2024), period=6)

    # Inflation: £666 × 8,994 plans = £5,990,004.
    assert derived["inflation"]["amount_pence"] == 599_000_400
    assert derived["inflation"]["basis"].startswith("£666 per plan × 8,994 plans")
    # Demand: trend = 8,700 + (8,400 − 8,000) × 6/12 = 8,900; 8,994 − 8,900 = 94 plans above,
    # × £20,000 = £1,880,000.
    assert derived["demand"]["amount_pence"] == 188_000_000
    assert derived["demand"]["basis"].startswith("94 plans above the earlier trend × £20,000")


@pytest.mark.django_db
def test_no_pressure_is_derived_without_placements_data(monkeypatch):
    monkeypatch.setattr(crossapp, "cohort_summary", lambda *, on: None)

    assert derived_pressures(year=FinancialYear(2024), period=6) == {}
