"""The chart component's data: a Plotly figure plus the table and CSV that carry the same figures.

App `charts.py` modules build a `Chart` from selector data; views pass it to `{% chart %}`
and answer `?csv=<chart id>` with `chart_csv_response` so the download is the table shown.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from send_tracker.exports import csv_response
from send_tracker.money import format_millions

# The one chart palette (Okabe & Ito's colour-blind-safe hues; every line colour has at least
# 3:1 contrast on white). The same thing has the same colour on every page; red means bad only.
TARGET = "#505a5f"  # targets, caps, budgets: the line to meet (dark grey)
FORECAST = "#0072b2"  # forecasts (and the baseline scenario, the forecast the tracker uses)
DELIVERED = "#009e73"  # savings delivered; reductions (good moves) in a bridge
BAD = "#d55e00"  # increases in a deficit or overspend, pressures: the only red
TOTAL = FORECAST  # totals in a bridge
OTHER = "#949494"  # the "Other" group of a chart cut to MAX_SERIES series; "others" in a ranking
BAND = "rgba(80, 90, 95, 0.18)"  # a range shaded behind lines (e.g. an interquartile range)
INK = "#0b0c0c"

# Scenarios in the order the selectors list them (the baseline first).
SCENARIO_COLOURS = ["#0072b2", "#cc79a7", "#a66a00", "#56b4e9"]
# Categories without a meaning of their own (needs, provision types), largest first; never red.
CATEGORY_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9"]
MAX_SERIES = 6  # more than six series cannot be told apart: group the rest as "Other"

# Kept for modules that still index it: the palette in the order charts used to take it.
PALETTE = [FORECAST, SCENARIO_COLOURS[2], DELIVERED, SCENARIO_COLOURS[1], BAD, TARGET, INK]


def scenario_colour(index: int) -> str:
    """The colour of the scenario at `index` in the selectors' order (0 is the baseline)."""
    return SCENARIO_COLOURS[index % len(SCENARIO_COLOURS)]


def top_series(series: dict[str, list], *, limit: int = MAX_SERIES,
               other: str = "Other") -> dict[str, list]:
    """At most `limit` series: the largest `limit - 1` (by their last value) and the sum of the
    rest as `other`. Series are lists of numbers of equal length; None counts as 0."""
    if len(series) <= limit:
        return dict(series)
    ranked = sorted(series, key=lambda k: -(series[k][-1] or 0) if series[k] else 0)
    kept, rest = ranked[:limit - 1], ranked[limit - 1:]
    out = {k: series[k] for k in kept}
    length = len(next(iter(series.values())))
    grouped = [sum(series[k][i] or 0 for k in rest) for i in range(length)]
    if other in out:  # a real category called Other joins the group
        grouped = [a + (b or 0) for a, b in zip(grouped, out.pop(other), strict=True)]
    out[other] = grouped
    return out


def category_colours(names: Sequence[str], *, other: str = "Other") -> dict[str, str]:
    """Colours for categorical series in order, grey for the `other` group."""
    colours, i = {}, 0
    for name in names:
        if name == other:
            colours[name] = OTHER
        else:
            colours[name] = CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)]
            i += 1
    return colours


def millions_label(value: float | None) -> str:
    """A point plotted in £m (pence / 10⁸) labelled as money: `£41.2m`, `£0.8m`, `-£5.0m`."""
    return "" if value is None else format_millions(round(value * 100_000_000))


def base_layout(**overrides: Any) -> dict:
    """Shared chart layout: plain font, no title (the page heading names it), the legend above
    the plot area (never over the data), axes that make room for their labels, bar value axes
    from zero. Overrides replace keys; `legend`, `xaxis` and `yaxis` are merged."""
    layout = {
        "font": {"family": "Arial, sans-serif", "size": 14, "color": INK},
        "margin": {"l": 70, "r": 20, "t": 30, "b": 60},
        # Anchored at its bottom just above the plot: a long legend pushes the plot down
        # (margin autoexpand) instead of hanging over the tops of the bars.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02,
                   "yanchor": "bottom"},
        # rangemode acts on numeric axes only: a horizontal bar's value axis starts at zero.
        "xaxis": {"automargin": True, "rangemode": "tozero"},
        "yaxis": {"automargin": True, "rangemode": "tozero"},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "colorway": PALETTE,
        "height": 360,
    }
    for key, value in overrides.items():
        if key in ("legend", "xaxis", "yaxis") and isinstance(value, dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def month_axis(labels: Sequence[str], *, every: int = 3) -> dict:
    """A category x axis of month labels: every `every`th label shown, slanted, never cut off."""
    return {"type": "category", "tickangle": -45, "automargin": True,
            "tickmode": "array", "tickvals": list(labels[::every]),
            "ticktext": list(labels[::every])}


def _spread(wanted: list[float], gaps: list[float]) -> list[float]:
    """Positions as close as possible (least squares) to `wanted` (ascending) with at least
    `gaps[i]` between the i-th and the next: isotonic regression (pool adjacent violators) of
    the wanted positions less the gaps below them, the gaps then added back."""
    offsets = [0.0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    blocks: list[list[float]] = []  # [mean, count]
    for w, o in zip(wanted, offsets, strict=True):
        blocks.append([w - o, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            prev = blocks[-1]
            prev[0] = (prev[0] * prev[1] + mean * count) / (prev[1] + count)
            prev[1] += count
    flat = [mean for mean, count in blocks for _ in range(int(count))]
    return [z + o for z, o in zip(flat, offsets, strict=True)]


def label_line_ends(figure: go.Figure, *, fmt: Callable[[float], str] | None = None,
                    min_gap_px: int = 17) -> go.Figure:
    """Name each line at its last point (direct labels: no hunting in a legend), nudging labels
    apart where lines end close together. `fmt(y)` adds the value, e.g. `millions_label`.
    The right margin makes room; a chart of lines only then needs no legend."""
    ends = []
    for trace in figure.data:
        if trace.type != "scatter" or "lines" not in (trace.mode or "lines"):
            continue
        if trace.line and trace.line.width == 0:
            continue  # the edge of a shaded band, not a line
        points = [(x, y) for x, y in zip(trace.x or [], trace.y or [], strict=False)
                  if y is not None]
        if points:
            ends.append([points[-1][0], points[-1][1], points[-1][1], trace.name])
    if not ends:
        return figure
    values = [y for t in figure.data for y in (t.y or []) if y is not None]
    if figure.layout.yaxis.range and None not in figure.layout.yaxis.range:
        values += list(figure.layout.yaxis.range)  # a fixed axis: its whole height
    elif figure.layout.yaxis.rangemode != "normal":
        values.append(0)  # the axis shows zero too
    span = (max(values) - min(values)) or 1
    plot_px = max((figure.layout.height or 360) - 130, 120)  # less margins, ticks, title
    gap = span * min_gap_px / plot_px
    ends.sort(key=lambda e: e[1])
    # Long names wrap at 26 characters (Plotly's <br>): the plot keeps most of the width.
    lines = [textwrap.wrap(f"{name} {fmt(y)}" if fmt else name, 26) for _, y, _, name in ends]
    needed = [gap * (len(a) + len(b)) / 2 for a, b in zip(lines, lines[1:], strict=False)]
    shown = _spread([e[1] for e in ends], needed)
    # The lowest label stays clear of the x axis's tick labels below the plot.
    shown[0] = max(shown[0], min(values) + gap * len(lines[0]) / 2)
    for i in range(1, len(ends)):
        shown[i] = max(shown[i], shown[i - 1] + needed[i - 1])
    for end, y in zip(ends, shown, strict=True):
        end[2] = y
    texts = ["<br>".join(parts) for parts in lines]
    margin = figure.layout.margin.to_plotly_json() if figure.layout.margin else {}
    widest = max(len(part) for parts in lines for part in parts)
    margin["r"] = max(margin.get("r", 20), 16 + 7 * widest)
    figure.update_layout(margin=margin)
    if all(t.type == "scatter" and "lines" in (t.mode or "lines") and not t.fill
           for t in figure.data):
        figure.update_layout(showlegend=False)  # every line is named where it ends
    for (x, _, shown_y, _), text in zip(ends, texts, strict=True):
        # Ink, not the line's colour: text needs 4.5:1 contrast; the label sits at the line.
        figure.add_annotation(x=x, y=shown_y, text=text, showarrow=False, xanchor="left",
                              xshift=8, font={"color": INK, "size": 12}, align="left")
    return figure


# Stands for the page's query string in a chart's HTML, filled in per request by `{% chart %}`.
CSV_QUERY = "__csv_query__"


@dataclass(frozen=True)
class Chart:
    """A figure with its data table: `headers` and `rows` of raw values, `display_rows` as shown.

    Frozen, its figure's JSON and its HTML (the `{% chart %}` component, all but the CSV link's
    query string) made once when built: a chart builder's result is cached and shared between
    requests (`@cached_selector(share=True)`), so a warm page renders no chart again."""

    id: str
    title: str
    figure: go.Figure
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    display_rows: Sequence[Sequence[Any]] = field(default_factory=list)
    description: str = ""
    figure_json: dict = field(init=False, repr=False, compare=False)
    # The `{% chart %}` component's HTML before and after the CSV link's query string.
    html_parts: tuple[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.display_rows:
            object.__setattr__(self, "display_rows", self.rows)
        # Plotly's own encoder handles numpy and dates; json_script re-encodes the plain dict.
        object.__setattr__(self, "figure_json", json.loads(self.figure.to_json()))
        html = render_to_string("components/chart.html", {"chart": self, "csv_query": CSV_QUERY})
        head, _, tail = html.partition(CSV_QUERY)
        object.__setattr__(self, "html_parts", (head, tail))

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"


def chart_csv_response(request: HttpRequest, charts: Sequence[Chart]) -> HttpResponse | None:
    """If the request asks for `?csv=<id>` of one of the page's charts, the CSV of its table."""
    wanted = request.GET.get("csv")
    if not wanted:
        return None
    for item in charts:
        if item.id == wanted:
            return csv_response(f"{item.id}.csv", item.headers, item.rows)
    return None
