"""Finance charts: the figure, its data table and its CSV carry the same figures."""

from __future__ import annotations

from decimal import Decimal

from finance import charts
from finance.selectors.summary import overspend_bridge


def test_the_bridge_is_a_waterfall_whose_table_matches_its_steps(db):  # cached on the data version
    steps = overspend_bridge(cap_pence=3_120_000_000, savings_shortfall_pence=440_000_000,
                             pressures={"backlog": 550_000_000},
                             in_year_deficit_pence=4_590_000_000, mitigations_pence=470_000_000)

    chart = charts.bridge_chart(steps, title="Bridge")

    trace = chart.figure.data[0]
    assert trace.type == "waterfall"
    assert list(trace.measure) == ["absolute", "relative", "relative", "relative", "total",
                                   "relative", "total"]
    assert list(trace.x)[3] == "Other movements (balancing item)"
    assert chart.rows[3] == ["Other movements (balancing item)", "relative",
                             Decimal("4800000")]  # 45.9m − 31.2m − 4.4m − 5.5m = £4.8m
    assert chart.display_rows[-1] == ["Deficit after mitigations", "Total", "£41,200,000"]
    assert chart.figure_json["data"][0]["type"] == "waterfall"


def test_the_forecast_chart_shows_each_period_against_budget_and_the_cap_line(db):
    rows = [{"period": p, "budget_pence": 100, "forecast_outturn_pence": 100 + p,
             "actual_to_date_pence": p} for p in (1, 2)]

    chart = charts.forecast_by_period_chart(rows, year=2024, income_pence=50, cap_pence=30)

    assert [t.name for t in chart.figure.data] == ["Forecast outturn", "Budget",
                                                   "Income + Safety Valve cap"]
    assert chart.rows[1] == ["P2 (May)", Decimal(1), Decimal("1.02"), Decimal("0.02"),
                             Decimal("0.02")]
