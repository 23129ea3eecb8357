"""The demo data set gives the briefing's Month 6 figures, to the penny."""

from __future__ import annotations

import pytest

from finance import selectors
from finance.models import MonthlyForecast, Pressure, TrajectoryRun
from send_tracker.fiscal import FinancialYear


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The programme and finance demo seeds, once for this module.

    The placements seed (the synthetic cohort, ~25 s) is left out to keep the suite fast: the
    figures checked here do not depend on it, and the derivation from the cohort is tested
    by hand in test_selectors.py.

    Seeded inside a transaction that is rolled back at the end, so no other module sees it;
    each test's own transaction nests inside it as a savepoint.
    """
    from django.db import transaction

    from finance import demo as finance_demo
    from programme import demo as programme_demo
    from send_tracker import demo as core

    with django_db_blocker.unblock(), transaction.atomic():
        core.seed_core_users()
        core.seed_calendar()
        for module in (programme_demo, finance_demo):
            module.seed(log=lambda message: None)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_month_6_shows_14_7m_over_the_cap_4_7m_of_mitigations_and_a_4_4m_shortfall(demo):
    summary = selectors.finance_summary(year="2024/25", period=6)

    assert summary["budget_pence"] == 15_540_000_000  # £155.4m = income + the cap
    assert summary["forecast_outturn_pence"] == 17_010_000_000  # £170.1m
    assert summary["in_year_deficit_pence"] == 4_590_000_000  # £45.9m
    assert summary["sv_cap_pence"] == 3_120_000_000  # £31.2m
    assert summary["variance_to_cap_pence"] == 1_470_000_000  # £14.7m
    assert summary["mitigations_pence"] == 470_000_000  # £4.7m
    assert summary["variance_after_mitigations_pence"] == 1_000_000_000  # £10.0m
    assert summary["savings_shortfall_pence"] == 440_000_000  # £15.4m − £11.0m
    assert summary["pressures"]["backlog"] == 550_000_000
    steps = summary["bridge"]
    assert steps[0]["pence"] + sum(s["pence"] for s in steps[1:-3]) == steps[-3]["pence"]


@pytest.mark.django_db
def test_without_placements_the_demo_enters_inflation_at_666_pounds_a_plan(demo):
    inflation = Pressure.objects.get(year=2024, kind="inflation")

    # Not derivable without the cohort, so the service estimate stands: £666 × 8,994 plans.
    assert inflation.derived is False
    assert inflation.basis.startswith("£666 per plan × 8,994 plans")
    assert inflation.amount_pence == 599_000_400


@pytest.mark.django_db
def test_the_demo_ledger_shows_how_month_6_got_here(demo):
    rows = selectors.forecast_by_period(year=FinancialYear(2024))
    totals = [row["forecast_outturn_pence"] for row in rows]

    assert totals == sorted(totals)  # the forecast rose month by month
    assert totals[-1] == 17_010_000_000
    assert MonthlyForecast.objects.filter(year=2023).values("period").distinct().count() == 12


@pytest.mark.django_db
def test_the_demo_recomputes_every_scenario_and_seeding_again_changes_nothing(demo):
    from finance import demo as finance_demo
    from finance.services import trajectory_recompute

    runs = trajectory_recompute()
    assert {r.scenario.slug for r in runs} == {"baseline", "optimistic", "pessimistic"}
    assert all(r.duration_ms < 2000 for r in runs)
    before = _row_counts()

    finance_demo.seed(log=lambda message: None)

    assert trajectory_recompute() == []  # same inputs, no new runs
    assert TrajectoryRun.objects.count() == 3
    # History tables too: re-saving an unchanged row would write false history.
    assert _row_counts() == before


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    return {m._meta.label: m._default_manager.count()
            for m in apps.get_app_config("finance").get_models()
            if m._meta.app_label == "finance"}
