"""Charts of the placements app: pure functions from selector data to send_tracker.charts.Chart.

Figures plot whole pounds; the data tables show pounds through send_tracker.money and the CSV
carries exact pounds and pence (Decimal), so no figure goes through float.

The cohort page's charts come first, then the Benchmarking page's (`benchmark_charts`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

from placements.benchmarks import ATTRIBUTION
from placements.codes import PRIMARY_NEED_LABELS, PROVISION_TYPE_LABELS
from send_tracker.charts import (
    BAND,
    CATEGORY_COLOURS,
    PALETTE,
    Chart,
    base_layout,
    category_colours,
    label_line_ends,
    month_axis,
    top_series,
)
from send_tracker.charts import OTHER as OTHERS
from send_tracker.dataversion import cached_selector
from send_tracker.money import (
    format_pounds,
    round_half_up,
    to_millions,
    to_pence,
    to_pounds,
    to_whole_pounds,
)


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
                y=[to_whole_pounds(v) for v in values],
                mode="lines+markers",
                line={"color": CATEGORY_COLOURS[0], "width": 3},
            )
        ],
        layout=dict(yaxis={"title": {"text": "£ a year"}, "tickformat": ",d"}, showlegend=False,
                    xaxis=month_axis(months)),
    )
    label_line_ends(figure, fmt=lambda v: format_pounds(to_pence(v)))
    return Chart(
        id="avg-cost-per-plan",
        title="Average annual placement cost per plan",
        description="Gross annual cost of the placements open at each month end, divided by the "
        "number of plans then.",
        figure=figure,
        headers=["Month end", "Average annual cost per plan (£)"],
        rows=[[p.isoformat(), to_pounds(v, places=2)] for p, v in zip(points, values, strict=True)],
        display_rows=[[m, format_pounds(v)] for m, v in zip(months, values, strict=True)],
    )


def _timeliness_figure(months: list[str], rows_in: list[dict]) -> go.Figure:
    """Two lines: all plans, and plans excluding exceptions, within 20 weeks."""
    return _figure(
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


def timeliness(series: dict) -> Chart:
    """Percentage of plans issued within 20 weeks each month, with and without exceptions."""
    points = series["points"]
    months = [_month(p) for p in points]
    rows_in = series["timeliness"]
    figure = _timeliness_figure(months, rows_in)
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
                x=[to_millions(v["annual_cost_pence"]) for _, v in ordered],
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
        rows.append([code, v["count"], to_pounds(v["annual_cost_pence"], places=2),
                     to_pounds(avg, places=2)])
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


@cached_selector(share=True)  # a pure function of selector data: built once per data version
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

# The Benchmarking page: pure functions from benchmark_overview data to Charts. For each
# measure, a time series (the council, the comparators' median with their interquartile range
# as a band, the region and England) and the latest year as a ranked bar chart of the council
# and its comparators, the council highlighted (by colour and by its label).


def shown(value: Decimal | None, unit: str) -> str:
    """A figure as the page shows it: counts with separators, percentages to one place."""
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:.1f}%"
    return f"{int(value):,}"


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _series_chart(item: dict[str, Any], council: str, region: str) -> Chart:
    measure, points = item["measure"], item["series"]
    x = [p["label"] for p in points]
    unit_title = "%" if measure.is_percent else measure.name
    traces = [
        dict(type="scatter", name="Comparators' lower quartile", x=x,
             y=[_float(p["q1"]) for p in points], mode="lines", line={"width": 0},
             showlegend=False, hoverinfo="skip"),
        dict(type="scatter", name="Comparators' interquartile range", x=x,
             y=[_float(p["q3"]) for p in points], mode="lines", line={"width": 0},
             fill="tonexty", fillcolor=BAND),
        dict(type="scatter", name="Comparators' median", x=x,
             y=[_float(p["median"]) for p in points], mode="lines+markers",
             line={"color": PALETTE[5], "dash": "dash"}),
        dict(type="scatter", name=region or "Region", x=x, y=[_float(p["region"]) for p in points],
             mode="lines+markers", line={"color": PALETTE[2], "dash": "dot"},
             marker={"symbol": "square"}),
        dict(type="scatter", name="England", x=x, y=[_float(p["england"]) for p in points],
             mode="lines+markers", line={"color": PALETTE[3], "dash": "dashdot"},
             marker={"symbol": "diamond"}),
        dict(type="scatter", name=council, x=x, y=[_float(p["council"]) for p in points],
             mode="lines+markers", line={"color": PALETTE[1], "width": 4},
             marker={"size": 9}),
    ]
    # Counts of a region and England dwarf an authority's: those two are in the table only.
    if not measure.is_percent:
        traces = [t for t in traces if t["name"] not in (region or "Region", "England")]
    headers = ["Period", council, "Comparators' median", "Lower quartile", "Upper quartile",
               region or "Region", "England", "Release"]
    rows = [
        [p["time_period"], p["council"], p["median"], p["q1"], p["q3"], p["region"],
         p["england"], p["release"]]
        for p in points
    ]
    display = [
        [p["label"], *[shown(v, measure.unit) for v in row[1:7]],
         str(p["release"] or "–")]
        for p, row in zip(points, rows, strict=True)
    ]
    return Chart(
        id=f"{measure.code.replace('_', '-')}-series",
        title=f"{measure.name}: {council}, its comparators, {region or 'region'} and England",
        description=f"{measure.definition} Source: the DfE's {measure.file}. {ATTRIBUTION}",
        figure=label_line_ends(_figure(traces, layout=dict(yaxis={"title": {"text": unit_title}})),
                               fmt=lambda v: shown(Decimal(str(v)), measure.unit)),
        headers=headers,
        rows=rows,
        display_rows=display,
    )


def _ranking_chart(item: dict[str, Any], council: str) -> Chart:
    measure, ranking = item["measure"], item["ranking"]
    # Best at the top: Plotly draws the first bar of a horizontal chart at the bottom.
    ordered = list(reversed(ranking))
    labels = [f"{e['name']} (the council)" if e["is_council"] else e["name"] for e in ordered]
    traces = [
        dict(type="bar", orientation="h", name=measure.name,
             x=[_float(e["value"]) for e in ordered],
             y=labels, marker={"color": [PALETTE[1] if e["is_council"] else OTHERS
                                         for e in ordered]},
             text=[shown(e["value"], measure.unit) for e in ordered], textposition="outside"),
    ]
    rows = [[e["rank"], e["name"], e["value"]] for e in ranking]
    display = [
        [str(e["rank"]), f"{e['name']}{' (the council)' if e['is_council'] else ''}",
         shown(e["value"], measure.unit)]
        for e in ranking
    ]
    return Chart(
        id=f"{measure.code.replace('_', '-')}-rank",
        title=f"{measure.name}, {item['latest_label']}: {council} among its comparators",
        description=f"Ranked from 1, {measure.direction_words}. {ATTRIBUTION}",
        figure=_figure(traces, layout=dict(showlegend=False, height=420,
                                           margin={"l": 160, "r": 60, "t": 20, "b": 40})),
        headers=["Rank", "Local authority", measure.name],
        rows=rows,
        display_rows=display,
    )


@cached_selector(share=True)  # a pure function of selector data: built once per data version
def benchmark_charts(*, measures: list[dict], council: str, region: str) -> list[list[Chart]]:
    """[series, ranking] charts for each measure, in the registry's order."""
    return [
        [_series_chart(item, council, region), _ranking_chart(item, council)]
        for item in measures
    ]
