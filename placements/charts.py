"""Charts of the placements app: pure functions from selector data to send_tracker.charts.Chart.

Figures plot whole pounds; the data tables show pounds through send_tracker.money and the CSV
carries exact pounds and pence (Decimal), so no figure goes through float.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import plotly.graph_objects as go

from placements.codes import PRIMARY_NEED_LABELS, PROVISION_TYPE_LABELS
from send_tracker.charts import (
    CATEGORY_COLOURS,
    Chart,
    base_layout,
    category_colours,
    label_line_ends,
    month_axis,
    top_series,
)
from send_tracker.dataversion import memo_pure
from send_tracker.money import format_pounds, round_half_up


def _pounds(pence: int | None) -> int | None:
    return None if pence is None else int(round_half_up(Decimal(pence) / 100))


def _exact_pounds(pence: int | None) -> Decimal | None:
    return None if pence is None else (Decimal(pence) / 100).quantize(Decimal("0.01"))


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure from plain trace dicts (bar and scatter only, as in the finance bundle).

    Plotly's per-property validation costs ~30 ms a trace set and these traces are built from
    our own data, so it is skipped; the empty template keeps the page's JSON small.
    """
    return go.Figure(
        {"data": traces, "layout": base_layout(template={"layout": {}}, **layout)}, _validate=False
    )


def _month(day: dt.date) -> str:
    return day.strftime("%b %Y")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _stacked(counts: dict[str, list[int]], labels: dict[str, str], months: list[str]) -> list:
    """Stacked bar traces of at most six series: the five largest (at the last month) and
    "Other"; the data table keeps every category."""
    shown = top_series({labels.get(k, k): v for k, v in counts.items()})
    colours = category_colours(list(shown))
    return [
        dict(type="bar", name=name, x=months, y=values,
             marker={"color": colours[name], "line": {"color": "#ffffff", "width": 0.5}})
        for name, values in shown.items()
    ]


def plans_by_need(series: dict) -> Chart:
    """Plans open at each month end, stacked by primary need."""
    points, plans = series["points"], series["plans"]
    months = [_month(p) for p in points]
    figure = _figure(
        _stacked({k: plans["count"][k] for k in plans["needs"]}, PRIMARY_NEED_LABELS, months),
        layout=dict(barmode="stack", yaxis={"title": {"text": "EHC plans"}}, height=460,
                    xaxis=month_axis(months), legend={"traceorder": "normal"}),
    )
    headers = ["Month end", *plans["needs"], "All plans"]
    rows = [
        [p.isoformat(), *[plans["count"][k][i] for k in plans["needs"]], plans["total"][i]]
        for i, p in enumerate(points)
    ]
    display = [[months[i], *[f"{v:,}" for v in row[1:]]] for i, row in enumerate(rows)]
    return Chart(
        id="plans-by-need",
        title="EHC plans by primary need, at each month end",
        figure=figure,
        headers=headers,
        rows=rows,
        display_rows=display,
    )


def placements_by_type(series: dict) -> Chart:
    """Open placements at each month end, stacked by provision type."""
    points, placements = series["points"], series["placements"]
    months = [_month(p) for p in points]
    types = placements["types"]
    figure = _figure(
        _stacked({t: placements["count"][t] for t in types}, PROVISION_TYPE_LABELS, months),
        layout=dict(barmode="stack", yaxis={"title": {"text": "Placements"}}, height=460,
                    xaxis=month_axis(months), legend={"traceorder": "normal"}),
    )
    rows = [
        [p.isoformat(), *[placements["count"][t][i] for t in types]] for i, p in enumerate(points)
    ]
    display = [[months[i], *[f"{v:,}" for v in row[1:]]] for i, row in enumerate(rows)]
    return Chart(
        id="placements-by-type",
        title="Open placements by provision type, at each month end",
        figure=figure,
        headers=["Month end", *(PROVISION_TYPE_LABELS.get(t, t) for t in types)],
        rows=rows,
        display_rows=display,
    )


def avg_cost_per_plan(series: dict) -> Chart:
    """Average annual placement cost per plan at each month end."""
    points = series["points"]
    months = [_month(p) for p in points]
    values = series["avg_cost_per_plan"]
    figure = _figure(
        [
            dict(
                type="scatter",
                name="Average annual cost per plan",
                x=months,
                y=[_pounds(v) for v in values],
                mode="lines+markers",
                line={"color": CATEGORY_COLOURS[0], "width": 3},
            )
        ],
        layout=dict(yaxis={"title": {"text": "£ a year"}, "tickformat": ",d"}, showlegend=False,
                    xaxis=month_axis(months)),
    )
    label_line_ends(figure, fmt=lambda v: f"£{v:,.0f}")
    return Chart(
        id="avg-cost-per-plan",
        title="Average annual placement cost per plan",
        description="Gross annual cost of the placements open at each month end, divided by the "
        "number of plans then.",
        figure=figure,
        headers=["Month end", "Average annual cost per plan (£)"],
        rows=[[p.isoformat(), _exact_pounds(v)] for p, v in zip(points, values, strict=True)],
        display_rows=[[m, format_pounds(v)] for m, v in zip(months, values, strict=True)],
    )


def timeliness(series: dict) -> Chart:
    """Percentage of plans issued within 20 weeks each month, with and without exceptions."""
    points = series["points"]
    months = [_month(p) for p in points]
    rows_in = series["timeliness"]
    figure = _figure(
        [
            dict(
                type="scatter",
                name="All plans",
                x=months,
                y=[r["within_20_weeks_pct"] for r in rows_in],
                mode="lines+markers",
                line={"color": CATEGORY_COLOURS[0], "width": 3},
            ),
            dict(
                type="scatter",
                name="Excluding exceptions",
                x=months,
                y=[r["within_20_weeks_pct_ex"] for r in rows_in],
                mode="lines+markers",
                line={"color": CATEGORY_COLOURS[3], "dash": "dash"},
            ),
        ],
        layout=dict(yaxis={"title": {"text": "% within 20 weeks"}, "range": [0, 100]},
                    xaxis=month_axis(months)),
    )
    label_line_ends(figure, fmt=lambda v: f"{v:.1f}%")
    headers = [
        "Month",
        "Plans issued",
        "Within 20 weeks",
        "% within 20 weeks",
        "% within 20 weeks excluding exceptions",
        "Average weeks to issue",
    ]
    rows = [
        [
            p.isoformat()[:7],
            r["issued"],
            r["within_20_weeks"],
            r["within_20_weeks_pct"],
            r["within_20_weeks_pct_ex"],
            r["avg_weeks"],
        ]
        for p, r in zip(points, rows_in, strict=True)
    ]
    display = [
        [
            m,
            f"{r['issued']:,}",
            f"{r['within_20_weeks']:,}",
            _pct(r["within_20_weeks_pct"]),
            _pct(r["within_20_weeks_pct_ex"]),
            "–" if r["avg_weeks"] is None else f"{float(r['avg_weeks']):.1f}".removesuffix(".0"),
        ]
        for m, r in zip(months, rows_in, strict=True)
    ]
    return Chart(
        id="timeliness",
        title="Plans issued within 20 weeks, by month of issue",
        figure=figure,
        headers=headers,
        rows=rows,
        display_rows=display,
    )


def backlog(series: dict) -> Chart:
    """Open requests older than 16 weeks at each month end."""
    points = series["points"]
    months = [_month(p) for p in points]
    figure = _figure(
        [dict(type="bar", name="Open requests over 16 weeks", x=months, y=series["backlog"],
              marker={"color": CATEGORY_COLOURS[0]})],
        layout=dict(yaxis={"title": {"text": "Requests"}}, showlegend=False,
                    xaxis=month_axis(months)),
    )
    return Chart(
        id="backlog",
        title="Backlog: open assessment requests older than 16 weeks",
        figure=figure,
        headers=["Month end", "Open requests over 16 weeks"],
        rows=[[p.isoformat(), n] for p, n in zip(points, series["backlog"], strict=True)],
        display_rows=[[m, f"{n:,}"] for m, n in zip(months, series["backlog"], strict=True)],
    )


def cost_by_type(by_type: dict[str, dict[str, int]], *, on: dt.date) -> Chart:
    """Annual cost of open placements by provision type on a date."""
    ordered = sorted(by_type.items(), key=lambda item: item[1]["annual_cost_pence"])
    labels = [PROVISION_TYPE_LABELS.get(code, code) for code, _ in ordered]
    figure = _figure(
        [
            dict(
                type="bar",
                x=[v["annual_cost_pence"] / 100_000_000 for _, v in ordered],
                y=labels,
                orientation="h",
                name="Annual cost",
                marker={"color": CATEGORY_COLOURS[0]},
            )
        ],
        layout=dict(
            # Horizontal bars: the value axis is x, from zero; £m like every money axis.
            xaxis={"title": {"text": "£ million a year"}, "rangemode": "tozero"},
            yaxis={"rangemode": "normal"},
            showlegend=False,
            height=440,
        ),
    )
    rows, display = [], []
    for (code, v), label in zip(reversed(ordered), reversed(labels), strict=True):
        avg = (
            int(round_half_up(Decimal(v["annual_cost_pence"]) / v["count"])) if v["count"] else None
        )
        rows.append([code, v["count"], _exact_pounds(v["annual_cost_pence"]), _exact_pounds(avg)])
        display.append(
            [label, f"{v['count']:,}", format_pounds(v["annual_cost_pence"]), format_pounds(avg)]
        )
    return Chart(
        id="cost-by-type",
        title=f"Annual cost of open placements by provision type, {on:%-d %B %Y}",
        figure=figure,
        headers=["Provision type", "Placements", "Annual cost (£)", "Average per placement (£)"],
        rows=rows,
        display_rows=display,
    )


@memo_pure  # pure: same data, same chart (built once, not per request)
def cohort_charts(*, series: dict, by_type: dict, on: dt.date) -> list[Chart]:
    """Every chart of the cohort page, in page order."""
    return [
        plans_by_need(series),
        placements_by_type(series),
        cost_by_type(by_type, on=on),
        avg_cost_per_plan(series),
        timeliness(series),
        backlog(series),
    ]
