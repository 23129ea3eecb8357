"""Finance fixtures: a small, hand-checkable data set built through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from finance import services
from finance.models import AgreementVersion, Instalment
from send_tracker.fiscal import FinancialYear

# Two lines, 2024/25 P1 and P2 (figures in pence):
#   line 1.2.3: budget 1,000,000; P1 forecast 1,050,000; P2 forecast 1,100,000 (10% over)
#   line 1.2.1: budget   500,000; P1 forecast   500,000; P2 forecast   490,000 (2% under)
# P2 totals: budget 1,500,000; forecast 1,590,000; income 1,200,000 → deficit 390,000;
# cap 300,000 → 90,000 above the cap.
LEDGER = {
    ("1.2.3", 1): (1_000_000, 100_000, 1_050_000),
    ("1.2.3", 2): (1_000_000, 180_000, 1_100_000),
    ("1.2.1", 1): (500_000, 40_000, 500_000),
    ("1.2.1", 2): (500_000, 80_000, 490_000),
}


@pytest.fixture
def small_finance(db, finance_user):
    """Ledger, income, an agreement (cap 300,000 in 2024), pressures, mitigations, a scenario."""
    lines = {
        "1.2.3": services.budget_line_upsert(code="1.2.3", name="Independent", order=2),
        "1.2.1": services.budget_line_upsert(code="1.2.1", name="Maintained", order=1),
    }
    for (code, period), (budget, actual, forecast) in LEDGER.items():
        services.monthly_forecast_set(line=lines[code], year=FinancialYear(2024), period=period,
                                      budget_pence=budget, actual_to_date_pence=actual,
                                      forecast_outturn_pence=forecast, user=finance_user)
    for code, (budget, _, _) in ((c, LEDGER[(c, 2)]) for c in lines):
        services.budget_set(line=lines[code], year=FinancialYear(2024), budget_pence=budget)
    services.high_needs_income_set(year=FinancialYear(2024), allocation_pence=1_200_000)
    services.deficit_outturn_set(year=FinancialYear(2023), in_year_deficit_pence=200_000,
                                 cumulative_deficit_pence=5_000_000)
    agreement = services.agreement_upsert(authority="Testshire", signed_on=dt.date(2024, 3, 1),
                                          total_contribution_pence=300_000)
    version = services.agreement_version_create(
        agreement=agreement, number=0, name="Original", status=AgreementVersion.Status.AGREED)
    services.agreement_target_set(version=version, year=FinancialYear(2024),
                                  in_year_cap_pence=300_000,
                                  cumulative_target_pence=5_200_000)
    services.agreement_target_set(version=version, year=FinancialYear(2025),
                                  in_year_cap_pence=100_000,
                                  cumulative_target_pence=5_200_000)
    for year in (2024, 2025):
        services.instalment_set(agreement=agreement, year=FinancialYear(year), amount_pence=100_000,
                                due_on=dt.date(year + 1, 3, 31), status=Instalment.Status.DUE)
    services.pressure_set(year=FinancialYear(2024), kind="backlog", amount_pence=40_000,
                          basis="estimate")
    services.pressure_set(year=FinancialYear(2024), kind="slippage", amount_pence=25_000,
                          basis="estimate")
    services.mitigation_create(year=FinancialYear(2024), name="AP", value_pence=30_000,
                               confidence="amber",
                               status="identified")
    services.mitigation_create(year=FinancialYear(2024), name="Dropped", value_pence=99_000,
                               confidence="red",
                               status="abandoned")
    scenario = services.scenario_upsert(
        slug="baseline", name="Baseline", is_baseline=True, default_growth_pct=Decimal("5"),
        unit_cost_inflation_pct=Decimal("2"), income_growth_pct=Decimal("3"),
        savings_delivery_pct=Decimal("100"), mitigation_delivery_pct=Decimal("0"))
    return {"lines": lines, "agreement": agreement, "version": version, "scenario": scenario}


@pytest.fixture
def queued(monkeypatch) -> list[dict]:
    """The recompute task's enqueues (their options), recorded instead of sent to the broker."""
    from finance.tasks import recompute_trajectory

    calls: list[dict] = []
    monkeypatch.setattr(recompute_trajectory, "apply_async",
                        lambda *args, **kwargs: calls.append(kwargs))
    return calls


def requests_met() -> None:
    """As if a task had met every recompute request so far (the fixtures' writes ask for one
    in the test's own, never committed, transaction): the next edit's request is its own."""
    from finance.models import RecomputeRequest

    RecomputeRequest.objects.update(requested_at=None, claimed_at=None, claimed_by="")

