"""The board page's charts, from a snapshot's content (pure: content in, Chart out)."""

from __future__ import annotations

import plotly.graph_objects as go

from send_tracker.charts import (
    BAD,
    DELIVERED,
    FORECAST,
    TARGET,
    TOTAL,
    Chart,
    base_layout,
    label_line_ends,
    millions_label,
)
from send_tracker.dataversion import cached_selector
from send_tracker.money import format_millions, format_money, to_millions, to_pounds


def trajectory_rows(content: dict) -> list[dict]:
    """The trajectory points of a snapshot (baseline scenario)."""
    return (content.get("trajectory") or {}).get("points") or []


@cached_selector(share=True)  # a pure function of selector data: built once per data version
def trajectory_chart(content: dict, *, id_prefix: str = "") -> Chart:
    """Forecast in-year deficit against the Safety Valve cap, year by year, and cumulative."""
    points = trajectory_rows(content)
    years = [p["year"] for p in points]
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=years, y=[to_millions(p["in_year_deficit_pence"]) for p in points],
        name="Forecast in-year deficit", mode="lines+markers",
        line={"width": 3, "color": FORECAST},
    ))
    figure.add_trace(go.Scatter(
        x=years, y=[to_millions(p["cap_pence"]) for p in points],
        name="Safety Valve in-year cap", mode="lines+markers",
        line={"dash": "dash", "width": 3, "color": TARGET}, marker={"symbol": "square"},
    ))
    figure.update_layout(**base_layout(yaxis={"title": "£ million", "zeroline": True,
                                              "zerolinecolor": TARGET}))
    label_line_ends(figure, fmt=millions_label)
    headers = ["Year", "Forecast in-year deficit (£)", "Safety Valve cap (£)",
               "Variance to cap (£)", "Cumulative deficit (£)", "Cumulative target (£)"]
    keys = ["in_year_deficit_pence", "cap_pence", "variance_pence", "cumulative_deficit_pence",
            "cumulative_target_pence"]
    rows = [[p["year"], *[to_pounds(p.get(k)) for k in keys]] for p in points]
    display = [[p["year"], *[format_money(p.get(k)) for k in keys]] for p in points]
    return Chart(
        id=f"{id_prefix}trajectory", title="Forecast in-year deficit against the Safety Valve cap",
        figure=figure, headers=headers, rows=rows, display_rows=display,
        description="Baseline scenario. Above the cap, the year's DfE instalment is at risk.",
    )


@cached_selector(share=True)  # a pure function of selector data: built once per data version
def bridge_chart(content: dict, *, id_prefix: str = "") -> Chart:
    """The overspend bridge: from the cap to the forecast deficit, then after mitigations."""
    steps = (content.get("finance") or {}).get("bridge") or []
    figure = go.Figure(go.Waterfall(
        orientation="v",
        x=[s["label"] for s in steps],
        y=[to_millions(s["pence"]) if s["measure"] != "total" else 0 for s in steps],
        measure=[s["measure"] for s in steps],
        text=[format_millions(s["pence"]) for s in steps],
        textposition="outside",
        name="Bridge",
        increasing={"marker": {"color": BAD}},
        decreasing={"marker": {"color": DELIVERED}},
        totals={"marker": {"color": TOTAL}},
    ))
    figure.update_layout(**base_layout(yaxis={"title": "£ million"}, xaxis={"tickangle": -30},
                                       showlegend=False, height=440))
    return Chart(
        id=f"{id_prefix}bridge", title="From the Safety Valve cap to the forecast deficit",
        figure=figure, headers=["Step", "Amount (£)"],
        rows=[[s["label"], to_pounds(s["pence"])] for s in steps],
        display_rows=[[s["label"], format_money(s["pence"])] for s in steps],
        description="Increases in red, reductions in green, totals in blue; the table lists "
        "every step.",
    )
