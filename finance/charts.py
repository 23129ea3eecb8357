"""Charts of the finance app: pure functions from selector data to send_tracker.charts.Chart.

Figures plot £m (a display conversion only); the data tables and CSVs carry exact pence.
"""

from __future__ import annotations

import plotly.graph_objects as go

from send_tracker.charts import (
    BAD,
    DELIVERED,
    FORECAST,
    MAX_SERIES,
    TARGET,
    TOTAL,
    Chart,
    base_layout,
    label_line_ends,
    millions_label,
    scenario_colour,
)
from send_tracker.dataversion import cached_selector
from send_tracker.fiscal import FinancialYear, period_label
from send_tracker.money import (
    format_millions,
    format_pounds,
    money_formatter,
    to_millions,
    to_pounds,
)


@cached_selector(share=True)  # a pure function of selector data: built once per data version
def bridge_chart(steps: list[dict], *, title: str, chart_id: str = "bridge") -> Chart:
    """The overspend bridge as a waterfall: cap → shortfall, pressures, other → deficit → after."""
    figure = go.Figure(go.Waterfall(
        x=[s["label"] for s in steps],
        y=[to_millions(s["pence"]) for s in steps],
        measure=[s["measure"] for s in steps],
        text=[format_millions(s["pence"]) for s in steps],
        textposition="outside",
        connector={"line": {"color": "#505a5f"}},
        increasing={"marker": {"color": BAD}},
        decreasing={"marker": {"color": DELIVERED}},
        totals={"marker": {"color": TOTAL}},
        name="£m",
    ))
    figure.update_layout(**base_layout(yaxis={"title": "£ million"}, xaxis={"tickangle": -30},
                                       showlegend=False, height=440))
    rows = [[s["label"], s["measure"], to_pounds(s["pence"])] for s in steps]
    display = [[s["label"], "Total" if s["measure"] != "relative" else "Step",
                format_pounds(s["pence"])] for s in steps]
    return Chart(id=chart_id, title=title, figure=figure,
                 headers=["Step", "Kind", "Amount (£)"], rows=rows, display_rows=display,
                 description="Red steps add to the deficit, green steps reduce it; blue bars are "
                             "totals, from zero. 'Other movements' is the balancing item, so the "
                             "bridge reconciles to the penny.")


@cached_selector(share=True)  # a pure function of selector data: built once per data version
def forecast_by_period_chart(rows: list[dict], *, year: int, income_pence: int | None,
                             cap_pence: int | None) -> Chart:
    """Forecast outturn at each period against budget (and income + cap): how Month N got here."""
    fy = FinancialYear(year)
    labels = [f"P{r['period']}" for r in rows]
    # Lines, not bars: the story is the movement between £150m and £175m, which bars from zero
    # (as bars must be drawn) would flatten; a line's axis may start where the data do.
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=labels,
                                y=[to_millions(r["forecast_outturn_pence"]) for r in rows],
                                name="Forecast outturn", mode="lines+markers",
                                line={"color": FORECAST, "width": 3}))
    figure.add_trace(go.Scatter(x=labels, y=[to_millions(r["budget_pence"]) for r in rows],
                                name="Budget", mode="lines+markers",
                                line={"color": TARGET, "dash": "dash"}))
    if income_pence is not None and cap_pence is not None:
        figure.add_trace(go.Scatter(x=labels, y=[to_millions(income_pence + cap_pence)] * len(rows),
                                    name="Income + Safety Valve cap", mode="lines",
                                    line={"color": TARGET, "dash": "dot"}))
    figure.update_layout(**base_layout(yaxis={"title": "£ million", "rangemode": "normal"}))
    label_line_ends(figure, fmt=millions_label)
    table = [[period_label(r["period"]), to_pounds(r["budget_pence"]),
              to_pounds(r["forecast_outturn_pence"]),
              to_pounds(r["forecast_outturn_pence"] - r["budget_pence"]),
              to_pounds(r["actual_to_date_pence"])]
             for r in rows]
    money = money_formatter(v for r in rows for v in (r["budget_pence"],
                                                      r["forecast_outturn_pence"]))
    display = [[period_label(r["period"]), money(r["budget_pence"]),
                money(r["forecast_outturn_pence"]),
                money(r["forecast_outturn_pence"] - r["budget_pence"]),
                money(r["actual_to_date_pence"])] for r in rows]
    return Chart(id="forecast-by-period", title=f"Forecast outturn by period, {fy.label}",
                 figure=figure,
                 headers=["Period", "Budget (£)", "Forecast outturn (£)", "Overspend (£)",
                          "Actual to date (£)"],
                 rows=table, display_rows=display,
                 description="How the year's forecast moved month by month against the budget. "
                             "The axis does not start at zero.")


def _agreement_lines(versions: list, in_year: go.Figure, cumulative: go.Figure,
                     in_rows: list, cum_rows: list) -> None:
    """Each agreement version's caps (in-year) and cumulative targets: lines while there is room
    for one scenario at least, and rows of the tables (pence)."""
    for index, version in enumerate(versions):
        targets = sorted(version.targets.all(), key=lambda t: t.year)
        years = [FinancialYear(t.year).label for t in targets]
        dash = "solid" if index == 0 else "dash"
        if index < MAX_SERIES - 1:  # room for one scenario at least
            in_year.add_trace(go.Scatter(x=years,
                                         y=[to_millions(t.in_year_cap_pence) for t in targets],
                                         name=f"Cap: {version.name}", mode="lines",
                                         line={"color": TARGET, "dash": dash}))
            cumulative.add_trace(go.Scatter(
                x=years, y=[to_millions(t.cumulative_target_pence) for t in targets],
                name=f"Target: {version.name}", mode="lines",
                line={"color": TARGET, "dash": dash}))
        for t in targets:
            in_rows.append([FinancialYear(t.year).label, f"Cap: {version.name}",
                            t.in_year_cap_pence])
            cum_rows.append([FinancialYear(t.year).label, f"Target: {version.name}",
                             t.cumulative_target_pence])  # pence here; pounds in the CSV


def _scenario_lines(runs: list[tuple[str, list]], colours: list[str], room: int,
                    in_year: go.Figure, cumulative: go.Figure, in_rows: list,
                    cum_rows: list) -> None:
    """Each scenario's main lines while there is room, the first (baseline) scenario's second
    lines if they fit, and every series of every scenario in the tables (pence)."""
    second_line = len(runs) + 1 <= room  # the baseline's unmitigated / withheld line fits
    for index, (name, points) in enumerate(runs):
        colour = colours[index]
        years = [FinancialYear(p.year).label for p in points]
        unmitigated = [p.unmitigated_spend_pence - p.income_pence for p in points]
        if index < room:
            in_year.add_trace(go.Scatter(
                x=years, y=[to_millions(p.in_year_deficit_pence) for p in points],
                name=f"{name}: mitigated", mode="lines+markers",
                line={"color": colour, "width": 3}))
            cumulative.add_trace(go.Scatter(
                x=years, y=[to_millions(p.cumulative_deficit_pence) for p in points],
                name=f"{name}: all instalments received", mode="lines+markers",
                line={"color": colour, "width": 3}))
        if index == 0 and second_line:
            in_year.add_trace(go.Scatter(x=years, y=[to_millions(v) for v in unmitigated],
                                         name=f"{name}: unmitigated", mode="lines+markers",
                                         line={"color": colour, "dash": "dot"}))
            cumulative.add_trace(go.Scatter(
                x=years, y=[to_millions(p.cumulative_deficit_at_risk_pence) for p in points],
                name=f"{name}: at-risk instalments withheld", mode="lines+markers",
                line={"color": colour, "dash": "dot"}))
        for p, u in zip(points, unmitigated, strict=True):
            label = FinancialYear(p.year).label
            in_rows.append([label, f"{name}: unmitigated", u])
            in_rows.append([label, f"{name}: mitigated", p.in_year_deficit_pence])
            cum_rows.append([label, f"{name}: all instalments received",
                             p.cumulative_deficit_pence])
            cum_rows.append([label, f"{name}: at-risk instalments withheld",
                             p.cumulative_deficit_at_risk_pence])


def trajectory_charts(runs: list[tuple[str, list]], versions: list,
                      colours: list[str] | None = None) -> list[Chart]:
    """In-year deficit and cumulative deficit by year: each scenario against each agreement
    version's cap and cumulative target. `colours`: each scenario's colour (by its place among
    all scenarios, so a scenario keeps its colour whichever are chosen).

    At most six lines a chart: the caps or targets, each scenario's main line, and the first
    (baseline) scenario's second line (unmitigated; at-risk instalments withheld) while there is
    room. The data table lists every series of every scenario."""
    colours = colours or [scenario_colour(i) for i in range(len(runs))]
    in_year = go.Figure()
    cumulative = go.Figure()
    in_rows, cum_rows = [], []
    _agreement_lines(versions, in_year, cumulative, in_rows, cum_rows)
    room = MAX_SERIES - len(in_year.data)
    _scenario_lines(runs, colours, room, in_year, cumulative, in_rows, cum_rows)
    for figure in (in_year, cumulative):
        # Lines of deficits: the axis keeps zero in view (below it the deficit is repaid).
        figure.update_layout(**base_layout(yaxis={"title": "£ million", "zeroline": True,
                                                  "zerolinecolor": TARGET}, height=440))
        label_line_ends(figure, fmt=millions_label)
    shown = "" if len(runs) <= room else (
        f" The chart shows the first {room} scenarios; the table lists them all.")
    headers = ["Year", "Series", "Amount (£)"]
    in_money = money_formatter(r[2] for r in in_rows)
    cum_money = money_formatter(r[2] for r in cum_rows)
    return [
        Chart(id="trajectory-in-year", title="In-year deficit against the cap", figure=in_year,
              headers=headers, rows=[[r[0], r[1], to_pounds(r[2])] for r in in_rows],
              display_rows=[[r[0], r[1], in_money(r[2])] for r in in_rows],
              description="Each scenario after the programme's savings and mitigations; dotted: "
                          f"{runs[0][0] if runs else 'the baseline'} before them. Grey lines "
                          "are the agreement's caps (dashed: the reprofile). The table has "
                          "every scenario before and after." + shown),
        Chart(id="trajectory-cumulative", title="Cumulative deficit against the target",
              figure=cumulative, headers=headers,
              rows=[[r[0], r[1], to_pounds(r[2])] for r in cum_rows],
              display_rows=[[r[0], r[1], cum_money(r[2])] for r in cum_rows],
              description="Each scenario with every DfE instalment received; dotted: "
                          f"{runs[0][0] if runs else 'the baseline'} with the instalments at "
                          "risk withheld. Grey lines are the agreement's cumulative targets "
                          "(dashed: the reprofile). The table has every scenario both ways."
                          + shown),
    ]


@cached_selector(share=True)  # a pure function of selector data: built once per data version
def strands_chart(strands: list[dict], *, year_label: str) -> Chart:
    """Savings target vs forecast vs delivered by strand."""
    names = [s["name"] for s in strands]
    figure = go.Figure()
    for key, label, colour in (("target_pence", "Target", TARGET),
                               ("forecast_pence", "Forecast", FORECAST),
                               ("delivered_pence", "Delivered", DELIVERED)):
        figure.add_trace(go.Bar(x=names, y=[to_millions(s[key]) for s in strands], name=label,
                                marker={"color": colour}))
    figure.update_layout(**base_layout(yaxis={"title": "£ million"}, barmode="group"))
    keys = ("target_pence", "forecast_pence", "delivered_pence")
    money = money_formatter(s[k] for s in strands for k in keys)
    return Chart(id="strands", title=f"Savings by strand, {year_label}", figure=figure,
                 headers=["Strand", "Target (£)", "Forecast (£)", "Delivered (£)"],
                 rows=[[s["name"], *(to_pounds(s[k]) for k in keys)] for s in strands],
                 display_rows=[[s["name"], *(money(s[k]) for k in keys)]
                               for s in strands])
