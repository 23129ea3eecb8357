"""Charts: valid Plotly figures (validated here, as pages skip validation for speed)."""

import datetime as dt
from decimal import Decimal

import plotly.graph_objects as go
import pytest

from programme import charts
from programme.models import Kpi, KpiReading

# The builders are cached on the data version (send_tracker.dataversion), which is read.
pytestmark = pytest.mark.django_db

SUMMARY = {
    "year": "2024/25", "period": 6,
    "strands": [{"name": "A", "slug": "a", "target_pence": 20_000_000, "forecast_pence": 13_000_000,
                 "delivered_pence": 4_000_000, "shortfall_pence": 7_000_000, "rag": "red"}],
}


def _validated(chart):
    return go.Figure(chart.figure.to_dict())  # raises on an invalid property


def test_the_strand_chart_is_valid_and_its_table_has_exact_pounds():
    chart = charts.strand_savings_chart(SUMMARY)
    _validated(chart)
    assert chart.rows == [["A", Decimal(200000), Decimal(130000), Decimal(40000), Decimal(70000)]]
    assert chart.display_rows[0][2] == "£130,000"


def test_the_monthly_chart_is_valid_and_marks_unreported_periods():
    rows = [{"period": p, "forecast_pence": 100 if p <= 6 else None,
             "delivered_pence": 10 if p <= 6 else None} for p in range(1, 13)]
    chart = charts.monthly_forecast_chart(rows, target_pence=1_540_000_000, year_label="2024/25")
    _validated(chart)
    assert chart.display_rows[6][1] == "not reported"
    assert chart.rows[0][3] == Decimal(15_400_000)


@pytest.mark.django_db
def test_the_kpi_chart_is_valid_and_lists_every_reading_in_date_order():
    kpi = Kpi.objects.create(name="K", slug="k", baseline_value=8,
                             baseline_date=dt.date(2023, 1, 31), target_value=60,
                             target_date=dt.date(2026, 3, 31))
    KpiReading.objects.create(kpi=kpi, date=dt.date(2024, 9, 30), value=Decimal("21.4"))
    KpiReading.objects.create(kpi=kpi, date=dt.date(2024, 7, 31), value=20, kind="milestone")
    chart = charts.kpi_chart(kpi)
    _validated(chart)
    assert [row[1] for row in chart.rows] == ["Baseline", "Milestone target", "Actual", "Target"]
