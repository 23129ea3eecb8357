"""Charts of the programme app: pure functions from selector data to send_tracker.charts.Chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go
from django.utils.formats import date_format

from programme.models import Kpi, KpiReading
from send_tracker.charts import (
    DELIVERED,
    FORECAST,
    TARGET,
    Chart,
    base_layout,
    label_line_ends,
    millions_label,
)
from send_tracker.dataversion import cached_selector
from send_tracker.fiscal import period_label
from send_tracker.money import money_formatter, to_millions, to_pounds

UNIT_SUFFIX = {"percent": "%", "number": "", "weeks": " weeks"}


def _figure(traces: list[dict[str, Any]], **layout: Any) -> go.Figure:
    """A figure from plain trace dicts, without Plotly's property validation.

    Validation costs about 25 ms a figure, most of a page's time; the tests build every chart
    again with validation on, so a wrong property still fails there.
    """
    return go.Figure(data=traces, layout=base_layout(**layout), _validate=False)


@cached_selector(share=True)  # a pure function of selector data: built once per data version
def strand_savings_chart(summary: dict[str, Any]) -> Chart:
    """Target, forecast and delivered by strand (grouped bars, £m)."""
    strands = summary["strands"]
    names = [s["name"] for s in strands]
    series = (("Target", "target_pence", TARGET), ("Forecast", "forecast_pence", FORECAST),
              ("Delivered", "delivered_pence", DELIVERED))
    fig = _figure([
        {"type": "bar", "name": label, "x": names, "y": [to_millions(s[key]) for s in strands],
         "marker": {"color": colour},
         "hovertemplate": "%{x}<br>" + label + ": £%{y:.1f}m<extra></extra>"}
        for label, key, colour in series
    ], barmode="group", yaxis={"title": {"text": "£ million"}})
    headers = ["Strand", "Target (£)", "Forecast (£)", "Delivered (£)", "Shortfall (£)"]
    keys = ("target_pence", "forecast_pence", "delivered_pence", "shortfall_pence")
    money = money_formatter(s[k] for s in strands for k in keys)
    return Chart(
        id="strand-savings",
        title=f"Savings target, forecast and delivered by strand, {summary['year']} "
        f"P{summary['period']}",
        figure=fig,
        headers=headers,
        rows=[[s["name"], *(to_pounds(s[k]) for k in keys)] for s in strands],
        display_rows=[[s["name"], *(money(s[k]) for k in keys)] for s in strands],
    )


@cached_selector(share=True)  # a pure function of selector data: built once per data version
def monthly_forecast_chart(
    rows: list[dict[str, Any]], *, target_pence: int, year_label: str, chart_id: str = "monthly"
) -> Chart:
    """Forecast and delivered as reported at each period P1..P12, against the year's target."""
    labels = [f"P{r['period']}" for r in rows]
    fig = _figure([
        {"type": "bar", "name": "Forecast for the year", "x": labels,
         "y": [to_millions(r["forecast_pence"]) for r in rows], "marker": {"color": FORECAST}},
        {"type": "bar", "name": "Delivered to date", "x": labels,
         "y": [to_millions(r["delivered_pence"]) for r in rows], "marker": {"color": DELIVERED}},
        {"type": "scatter", "name": "Target", "x": labels,
         "y": [to_millions(target_pence)] * len(rows), "mode": "lines",
         "line": {"color": TARGET, "dash": "dash", "width": 3}},
    ], barmode="group", yaxis={"title": {"text": "£ million"}})
    label_line_ends(fig, fmt=millions_label)
    money = money_formatter([target_pence, *(r[k] for r in rows
                                             for k in ("forecast_pence", "delivered_pence"))])
    return Chart(
        id=chart_id,
        title=f"Forecast savings month by month against the target, {year_label}",
        figure=fig,
        headers=["Period", "Forecast for the year (£)", "Delivered to date (£)", "Target (£)"],
        rows=[[period_label(r["period"]), to_pounds(r["forecast_pence"]),
               to_pounds(r["delivered_pence"]), to_pounds(target_pence)] for r in rows],
        display_rows=[[period_label(r["period"]),
                       money(r["forecast_pence"]) if r["forecast_pence"] is not None
                       else "not reported",
                       money(r["delivered_pence"]) if r["delivered_pence"] is not None
                       else "not reported",
                       money(target_pence)] for r in rows],
        description="A period without a figure has not been reported yet.",
    )


def kpi_chart(kpi: Kpi, actuals: list[tuple[Any, Any]] | None = None) -> Chart:
    """A KPI's actuals over time against its milestone targets and final target.

    `actuals`: (date, value) pairs where they are computed (a measure the tracker holds),
    else the KPI's typed actual readings.
    """
    readings = list(kpi.readings.all())
    if actuals is None:
        actuals = [(r.date, r.value) for r in readings if r.kind == KpiReading.Kind.ACTUAL]
    milestones = [r for r in readings if r.kind == KpiReading.Kind.MILESTONE]
    suffix = UNIT_SUFFIX.get(kpi.unit, "")
    fig = _figure([
        {"type": "scatter", "name": "Actual",
         "x": [kpi.baseline_date.isoformat(), *(day.isoformat() for day, _ in actuals)],
         "y": [float(kpi.baseline_value), *(float(value) for _, value in actuals)],
         "mode": "lines+markers", "line": {"color": FORECAST, "width": 3}},
        {"type": "scatter", "name": "Milestone target",
         "x": [r.date.isoformat() for r in milestones], "y": [float(r.value) for r in milestones],
         "mode": "markers", "marker": {"color": TARGET, "symbol": "diamond-open", "size": 11,
                                     "line": {"width": 2}}},
        {"type": "scatter", "name": "Target", "x": [kpi.target_date.isoformat()],
         "y": [float(kpi.target_value)], "mode": "markers",
         "marker": {"color": TARGET, "symbol": "star", "size": 14}},
    ], yaxis={"title": {"text": kpi.get_unit_display()}})
    label_line_ends(fig, fmt=lambda v: f"{v:g}{suffix}")
    rows: list[list[Any]] = [[kpi.baseline_date.isoformat(), "Baseline", kpi.baseline_value]]
    rows += [[day.isoformat(), "Actual", value] for day, value in actuals]
    rows += [[r.date.isoformat(), r.get_kind_display(), r.value] for r in milestones]
    rows.append([kpi.target_date.isoformat(), "Target", kpi.target_value])
    rows.sort(key=lambda row: row[0])
    return Chart(
        id=f"kpi-{kpi.slug}",
        title=f"{kpi.name}: actuals against targets",
        figure=fig,
        headers=["Date", "Kind", f"Value ({kpi.get_unit_display().lower()})"],
        rows=rows,
        display_rows=[[date_format(dt.date.fromisoformat(row[0]), "SHORT_DATE_FORMAT"), row[1],
                       f"{row[2]}{suffix}"] for row in rows],
        description=("Higher is better." if kpi.higher_is_better else "Lower is better."),
    )
