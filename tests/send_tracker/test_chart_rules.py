"""Charts that tell the truth, checked on the figure of every chart builder the tracker has.

The builders are found by walking the apps' `charts` modules (every public function that returns
a `Chart` or a list of them) and each is called on small data shaped like the demo's, sized to
break the rules: thirteen needs, three scenarios against two agreement versions, a £0.8m step
beside £5m ones. A new builder without sample data here fails the first test, so no chart is
left out of the rules.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections import defaultdict
from types import SimpleNamespace
from xml.etree import ElementTree as ET  # noqa: S405 - our own SVG output

import plotly.graph_objects as go
import pytest
from django.apps import apps

from finance.board import svg
from finance.board.pdf import pack_charts
from placements.codes import PRIMARY_NEED_LABELS, PROVISION_TYPE_LABELS
from programme.models import KpiReading
from send_tracker import charts as shared
from send_tracker.charts import Chart

# ---- small data shaped like the selectors' -------------------------------------------------

MONTHS = [dt.date(2024, m, 28) for m in range(4, 10)]
NEEDS = list(PRIMARY_NEED_LABELS)  # 13: more than six series
TYPES = list(PROVISION_TYPE_LABELS)
COHORT = {
    "points": MONTHS,
    "plans": {"needs": NEEDS,
              "count": {k: [10 * (i + 1) + m for m in range(6)] for i, k in enumerate(NEEDS)},
              "total": [sum(10 * (i + 1) + m for i in range(len(NEEDS))) for m in range(6)]},
    "placements": {"types": TYPES,
                   "count": {t: [5 * (i + 1) + m for m in range(6)] for i, t in enumerate(TYPES)}},
    "avg_cost_per_plan": [2_500_000_00 + m for m in range(6)],
    "timeliness": [{"issued": 50, "within_20_weeks": 10 + m, "within_20_weeks_pct": 20.0 + m,
                    "within_20_weeks_pct_ex": 25.0 + m, "avg_weeks": 24} for m in range(6)],
    "backlog": [400 + 10 * m for m in range(6)],
}
BY_TYPE = {t: {"annual_cost_pence": (i + 1) * 1_000_000_000, "count": 10 * (i + 1)}
           for i, t in enumerate(TYPES)}
BRIDGE = [
    {"label": "Safety Valve in-year cap", "pence": 3_120_000_000, "measure": "absolute"},
    {"label": "Savings shortfall", "pence": 440_000_000, "measure": "relative"},
    {"label": "Pressure: slippage", "pence": 80_000_000, "measure": "relative"},
    {"label": "Other movements", "pence": -500_000_000, "measure": "relative"},
    {"label": "Forecast in-year deficit", "pence": 3_140_000_000, "measure": "total"},
]
STRANDS = [{"name": f"Strand {n}", "slug": f"s{n}", "target_pence": 280_000_000,
            "forecast_pence": 210_000_000, "delivered_pence": 90_000_000,
            "shortfall_pence": 70_000_000, "rag": "amber"} for n in range(6)]
YEARS = range(2024, 2032)


def _run(offset: int) -> list:
    return [SimpleNamespace(year=y, unmitigated_spend_pence=(60 + offset + n * 5) * 10**8,
                            income_pence=10**9, in_year_deficit_pence=(40 + offset - n) * 10**8,
                            cumulative_deficit_pence=(200 + offset + n) * 10**8,
                            cumulative_deficit_at_risk_pence=(210 + offset + n) * 10**8)
            for n, y in enumerate(YEARS)]


def _version(name: str, cap: int) -> SimpleNamespace:
    targets = [SimpleNamespace(year=y, in_year_cap_pence=max(cap - n * 10**9, 0),
                               cumulative_target_pence=10**10) for n, y in enumerate(YEARS)]
    return SimpleNamespace(name=name, targets=SimpleNamespace(all=lambda: targets))


def _kpi() -> SimpleNamespace:
    def reading(kind, day, value):
        return SimpleNamespace(kind=kind, date=day, value=value,
                               get_kind_display=lambda: kind.label)
    readings = [reading(KpiReading.Kind.ACTUAL, dt.date(2024, 6, 30), 30),
                reading(KpiReading.Kind.MILESTONE, dt.date(2025, 3, 31), 50)]
    return SimpleNamespace(
        slug="timely", name="Plans within 20 weeks", unit="percent", higher_is_better=True,
        baseline_date=dt.date(2024, 3, 31), baseline_value=20, target_date=dt.date(2026, 3, 31),
        target_value=60, readings=SimpleNamespace(all=lambda: readings),
        get_unit_display=lambda: "Percent")


BOARD = {"trajectory": {"points": [
    {"year": f"{y}/{str(y + 1)[2:]}", "in_year_deficit_pence": (40 - n) * 10**8,
     "cap_pence": max(3_120_000_000 - n * 10**9, 0), "variance_pence": 0,
     "cumulative_deficit_pence": 10**10, "cumulative_target_pence": 10**10}
    for n, y in enumerate(YEARS)]}, "finance": {"bridge": BRIDGE}}

SCENARIOS = [("Baseline", _run(0)), ("Optimistic", _run(-10)), ("Pessimistic", _run(20))]
VERSIONS = [_version("Original agreement", 3_120_000_000), _version("Reprofile 1", 4 * 10**9)]

def _benchmarks() -> dict:
    """benchmark_overview's shape: a percentage and a count measure, four years, comparators."""
    def measure(code, unit):
        return SimpleNamespace(code=code, name=code.replace("_", " ").capitalize(), unit=unit,
                               is_percent=unit == "percent", definition="Defined.",
                               source="DfE", file="caseload.csv", direction_words="highest first")
    points = [{"label": f"{y}", "time_period": y, "council": 10 + n, "median": 11 + n,
               "q1": 9 + n, "q3": 13 + n, "region": 12, "england": 12.5, "release": None}
              for n, y in enumerate(range(2021, 2025))]
    ranking = [{"rank": r, "name": f"LA {r}", "value": 20 - r, "is_council": r == 3}
               for r in range(1, 9)]
    return {"measures": [{"measure": measure(code, unit), "series": points, "ranking": ranking,
                          "latest_label": "2024"}
                         for code, unit in (("timely_pct", "percent"), ("plans", "number"))],
            "council": "Devon", "region": "South West"}


SAMPLES = {
    "placements.charts.benchmark_charts": lambda f: f(**_benchmarks()),
    "finance.charts.bridge_chart": lambda f: f(BRIDGE, title="Bridge"),
    "finance.charts.forecast_by_period_chart": lambda f: f(
        [{"period": p, "budget_pence": 15_540_000_000, "forecast_outturn_pence": (157 + p) * 10**8,
          "actual_to_date_pence": p * 10**9} for p in range(1, 7)],
        year=2024, income_pence=12_420_000_000, cap_pence=3_120_000_000),
    "finance.charts.trajectory_charts": lambda f: f(SCENARIOS, VERSIONS),
    "finance.charts.strands_chart": lambda f: f(STRANDS, year_label="2024/25"),
    "finance.board.charts.trajectory_chart": lambda f: f(BOARD),
    "finance.board.charts.bridge_chart": lambda f: f(BOARD),
    "placements.charts.plans_by_need": lambda f: f(COHORT),
    "placements.charts.placements_by_type": lambda f: f(COHORT),
    "placements.charts.avg_cost_per_plan": lambda f: f(COHORT),
    "placements.charts.timeliness": lambda f: f(COHORT),
    "placements.charts.backlog": lambda f: f(COHORT),
    "placements.charts.cost_by_type": lambda f: f(BY_TYPE, on=dt.date(2024, 9, 30)),
    "placements.charts.cohort_charts": lambda f: f(series=COHORT, by_type=BY_TYPE,
                                                   on=dt.date(2024, 9, 30)),
    "programme.charts.strand_savings_chart": lambda f: f(
        {"year": "2024/25", "period": 6, "strands": STRANDS}),
    "programme.charts.monthly_forecast_chart": lambda f: f(
        [{"period": p, "forecast_pence": 10**9 + p, "delivered_pence": p * 10**8}
         for p in range(1, 13)], target_pence=1_540_000_000, year_label="2024/25"),
    "programme.charts.kpi_chart": lambda f: f(_kpi()),
}


def chart_builders() -> dict[str, object]:
    """Every public function of every `charts` module in the project's apps that returns a
    Chart (or a list of them)."""
    found = {}
    for config in apps.get_app_configs():
        if "site-packages" in config.path or config.name.split(".")[0] not in (
                "finance", "placements", "programme", "send_tracker"):
            continue
        names = [config.name, *(m.name for m in pkgutil.walk_packages([config.path],
                                                                      f"{config.name}."))]
        for name in names:
            if not name.rsplit(".", 1)[-1].endswith("charts"):
                continue
            module = importlib.import_module(name)
            for attr, value in vars(module).items():
                if attr.startswith("_") or not inspect.isfunction(value):
                    continue
                if value.__module__ != name:
                    continue
                returns = str(inspect.signature(getattr(value, "uncached", value))
                              .return_annotation)
                if "Chart" in returns:
                    found[f"{name}.{attr}"] = getattr(value, "uncached", value)
    return found


def all_charts() -> list[tuple[str, Chart]]:
    built = []
    for name, builder in sorted(chart_builders().items()):
        result = SAMPLES[name](builder)
        flat = []
        for item in result if isinstance(result, list) else [result]:
            flat.extend(item if isinstance(item, list) else [item])  # [[series, ranking], ...]
        for n, chart in enumerate(flat):
            built.append((f"{name}[{n}]", chart))
    return built


def _band_edge(trace) -> bool:
    """An invisible line that only bounds a shaded band (its pair carries the fill)."""
    return trace.type == "scatter" and trace.line.width == 0 and not trace.fill


def _drawn(trace) -> bool:
    return (trace.type in ("bar", "scatter", "waterfall") and trace.visible is not False
            and not _band_edge(trace))


def _colour(trace) -> str | tuple | None:
    if trace.type == "bar":
        return trace.marker.color  # a tuple where bars are coloured one by one
    if trace.type == "scatter":
        if trace.fill and trace.line.width == 0:
            return trace.fillcolor
        return trace.line.color if "lines" in (trace.mode or "lines") else trace.marker.color
    return None


def _colours(trace) -> list:
    colour = _colour(trace)
    return list(colour) if isinstance(colour, (list, tuple)) else [colour]


# ---- the rules ---------------------------------------------------------------------------


def test_every_chart_builder_is_checked_here():
    builders = chart_builders()
    assert len(builders) >= 16  # the walk still finds them (finance, board, placements, ...)
    missing = sorted(set(builders) - set(SAMPLES))
    assert not missing, f"add sample data for these chart builders to SAMPLES: {missing}"


@pytest.mark.parametrize(("name", "chart"), all_charts(), ids=lambda v: v
                         if isinstance(v, str) else "")
class TestEveryChart:
    def test_it_is_a_valid_plotly_figure(self, name, chart):
        go.Figure(chart.figure.to_dict())  # pages skip validation: this raises if invalid

    def test_its_legend_is_outside_the_plot_area(self, name, chart):
        layout = chart.figure.layout
        shown = [t for t in chart.figure.data if t.showlegend is not False and _drawn(t)]
        if layout.showlegend is False or len(shown) < 2 and layout.showlegend is not True:
            return  # no legend drawn
        legend = layout.legend
        if legend.orientation == "h":
            above = legend.y is not None and legend.y >= 1 and legend.yanchor == "bottom"
            below = legend.y is not None and legend.y <= 0 and legend.yanchor == "top"
            assert above or below, f"{name}: a horizontal legend over the plot ({legend})"
        else:
            right = (legend.x is None or legend.x >= 1) and legend.xanchor in (None, "left")
            left = legend.x is not None and legend.x <= 0 and legend.xanchor == "right"
            assert right or left, f"{name}: a vertical legend over the plot ({legend})"

    def test_it_draws_at_most_six_series(self, name, chart):
        series = [t for t in chart.figure.data if _drawn(t)]
        assert len(series) <= shared.MAX_SERIES, [t.name for t in series]

    def test_its_bars_start_from_zero(self, name, chart):
        layout = chart.figure.layout
        for trace in chart.figure.data:
            if trace.type not in ("bar", "waterfall"):
                continue
            axis = layout.xaxis if trace.orientation == "h" else layout.yaxis
            if axis.range is not None:
                low = axis.range[0]
                assert low is not None, f"{name}: a bar axis with an open lower end"
                assert low <= 0, f"{name}: a bar axis from {low}, not zero"
            else:
                assert axis.rangemode == "tozero", f"{name}: a bar axis not from zero"

    def test_its_month_and_category_labels_have_room(self, name, chart):
        layout = chart.figure.layout
        assert layout.xaxis.automargin is True, f"{name}: x labels can be cut off"
        assert layout.yaxis.automargin is True, f"{name}: y labels can be cut off"

    def test_every_series_has_a_colour_of_the_palette(self, name, chart):
        allowed = {shared.TARGET, shared.FORECAST, shared.DELIVERED, shared.BAD, shared.OTHER,
                   shared.INK, shared.BAND, *shared.SCENARIO_COLOURS, *shared.CATEGORY_COLOURS}
        for trace in chart.figure.data:
            if trace.type in ("bar", "scatter") and _drawn(trace):
                assert set(_colours(trace)) <= allowed, f"{name}: {trace.name} is {_colour(trace)}"
            if trace.type == "waterfall":  # red only for bad: increases of a deficit
                assert trace.increasing.marker.color == shared.BAD
                assert trace.decreasing.marker.color == shared.DELIVERED
                assert trace.totals.marker.color == shared.TOTAL

    def test_red_means_bad_only(self, name, chart):
        for trace in chart.figure.data:
            if trace.type in ("bar", "scatter"):
                assert shared.BAD not in _colours(trace), f"{name}: {trace.name} drawn in red"

    def test_every_line_is_named_at_its_end(self, name, chart):
        labels = [a.text for a in chart.figure.layout.annotations]
        for trace in chart.figure.data:
            if (trace.type == "scatter" and "lines" in (trace.mode or "lines")
                    and trace.line.width != 0):
                assert any(text.replace("<br>", " ").startswith(trace.name) for text in labels), (
                    f"{name}: the line {trace.name!r} has no label at its end")

    def test_money_labels_share_one_unit(self, name, chart):
        for trace in chart.figure.data:
            texts = [t for t in (trace.text or []) if isinstance(t, str) and "£" in t]
            assert all(t.endswith("m") for t in texts) or not any(
                t.endswith("m") for t in texts), f"{name}: £m mixed with pounds {texts}"

    def test_its_data_table_and_csv_rows_stay(self, name, chart):
        assert chart.headers
        assert chart.rows
        assert len(chart.rows) == len(chart.display_rows)


def test_the_same_series_has_the_same_colour_on_every_chart():
    colours = defaultdict(set)
    for _name, chart in all_charts():
        for trace in chart.figure.data:
            if trace.type in ("bar", "scatter") and trace.name and _drawn(trace):
                colours[trace.name].add(str(_colour(trace)))
    clashes = {series: found for series, found in colours.items() if len(found) > 1}
    assert not clashes
    # The things every page shows keep their colour of the palette.
    assert colours["Target"] == {shared.TARGET}
    assert colours["Forecast"] == {shared.FORECAST}
    assert colours["Delivered"] == {shared.DELIVERED}


def test_a_scenario_keeps_its_colour_whichever_scenarios_are_chosen():
    from finance.charts import trajectory_charts

    both = trajectory_charts(SCENARIOS, VERSIONS)[0].figure
    alone = trajectory_charts([SCENARIOS[2]], VERSIONS, [shared.scenario_colour(2)])[0].figure
    colour = {t.name: _colour(t) for t in both.data}
    assert {t.name: _colour(t) for t in alone.data}["Pessimistic: mitigated"] == colour[
        "Pessimistic: mitigated"] == shared.scenario_colour(2)


def test_a_stacked_chart_of_thirteen_needs_shows_five_and_other_with_the_same_totals():
    from placements.charts import plans_by_need

    chart = plans_by_need(COHORT)
    names = [t.name for t in chart.figure.data]
    assert len(names) == 6
    assert names[-1] == "Other"
    # The largest five by the last month, then Other: the stack's height is unchanged.
    stacked = [sum(t.y[m] for t in chart.figure.data) for m in range(6)]
    assert stacked == COHORT["plans"]["total"]
    assert chart.headers[1:-1] == NEEDS  # the table keeps every need


def test_top_series_groups_the_smallest_as_other_and_folds_a_real_other_into_it():
    series = {"A": [1, 9], "B": [2, 8], "Other": [1, 1], "C": [3, 7], "D": [4, 6], "E": [5, 5],
              "F": [6, 4], "G": [7, None]}
    shown = shared.top_series(series)
    assert list(shown) == ["A", "B", "C", "D", "E", "Other"]
    assert shown["Other"] == [1 + 6 + 7, 1 + 4 + 0]
    assert shared.top_series({"A": [1]}) == {"A": [1]}


def _contrast(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_the_palette_lines_have_3_to_1_contrast_on_white_and_red_is_kept_for_bad():
    lines = [shared.TARGET, shared.FORECAST, shared.DELIVERED, shared.BAD,
             *shared.SCENARIO_COLOURS[:3]]
    assert all(_contrast(c) >= 3 for c in lines), {c: round(_contrast(c), 2) for c in lines}
    assert shared.BAD not in shared.SCENARIO_COLOURS + shared.CATEGORY_COLOURS


def test_the_board_pack_trajectory_names_each_line_with_its_last_value_in_the_palette():
    root = ET.fromstring(pack_charts(BOARD)["trajectory"])  # noqa: S314 - our own output
    ns = "{http://www.w3.org/2000/svg}"
    lines = {p.get("data-name"): p.get("stroke") for p in root.iter(f"{ns}polyline")}
    assert lines == {"Forecast in-year deficit": shared.FORECAST,
                     "Safety Valve in-year cap": shared.TARGET}  # the cap is not red
    text = " ".join(t.text for t in root.iter(f"{ns}text"))
    assert "Forecast in-year deficit: £33.0m" in text.replace("  ", " ")
    assert "£800,000" not in pack_charts(BOARD)["bridge"]  # one unit: £0.8m
    assert "£0.8m" in pack_charts(BOARD)["bridge"]


def test_board_pack_labels_that_would_collide_are_pushed_apart():
    chart = svg.line_chart(title="t", categories=["a", "b"], fmt=lambda v: f"{v:.0f}",
                           series=[svg.Series("One", [10, 0]), svg.Series("Two", [10, 0])])
    root = ET.fromstring(chart)  # noqa: S314 - our own output
    ys = sorted(float(t.get("y")) for t in root.iter("{http://www.w3.org/2000/svg}text")
                if t.text in ("One: 0", "Two: 0"))
    assert len(ys) == 2
    assert ys[1] - ys[0] >= 14


def test_line_end_labels_that_would_collide_spread_around_their_lines_not_only_upwards():
    figure = go.Figure(layout=shared.base_layout(height=360))  # 230 px of plot for 0..100
    for name, end in (("A", 50), ("B", 50), ("C", 50), ("D", 100)):
        figure.add_trace(go.Scatter(x=[0, 1], y=[0, end], name=name, mode="lines"))
    shared.label_line_ends(figure)
    shown = {a.text: a.y for a in figure.layout.annotations}
    gap = 100 * 17 / 230
    assert shown["B"] - shown["A"] >= gap - 1e-9
    assert shown["C"] - shown["B"] >= gap - 1e-9
    assert shown["A"] < 50 < shown["C"]  # the cluster is centred on where its lines end
    assert shown["B"] == pytest.approx(50)
    assert shown["D"] == pytest.approx(100)
    assert figure.layout.showlegend is False  # every line is named where it ends
