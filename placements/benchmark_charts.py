"""Charts of the Benchmarking page: pure functions from benchmark_overview data to Charts.

For each measure, a time series (the council, the comparators' median with their interquartile
range as a band, the region and England) and the latest year as a ranked bar chart of the
council and its comparators, the council highlighted (by colour and by its label).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

from placements.benchmarks import ATTRIBUTION
from send_tracker.charts import BAND, PALETTE, Chart, base_layout, label_line_ends
from send_tracker.charts import OTHER as OTHERS


def shown(value: Decimal | None, unit: str) -> str:
    """A figure as the page shows it: counts with separators, percentages to one place."""
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:.1f}%"
    return f"{int(value):,}"


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    # Our own data: Plotly's per-property validation is skipped, as in placements.charts.
    return go.Figure(
        {"data": traces, "layout": base_layout(template={"layout": {}}, **layout)}, _validate=False
    )


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


def benchmark_charts(*, measures: list[dict], council: str, region: str) -> list[list[Chart]]:
    """[series, ranking] charts for each measure, in the registry's order."""
    return [
        [_series_chart(item, council, region), _ranking_chart(item, council)]
        for item in measures
    ]
