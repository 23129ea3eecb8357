"""The chart component's data: a Plotly figure plus the table and CSV that carry the same figures.

App `charts.py` modules build a `Chart` from selector data; views pass it to `{% chart %}`
and answer `?csv=<chart id>` with `chart_csv_response` so the download is the table shown.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import plotly.graph_objects as go
from django.http import HttpRequest, HttpResponse

from send_tracker.exports import csv_response

# GOV.UK palette colours with enough contrast on white; series also differ by pattern or label.
PALETTE = ["#1d70b8", "#b35f00", "#00703c", "#4c2c92", "#d4351c", "#505a5f", "#003078"]


def base_layout(**overrides: Any) -> dict:
    """Shared chart layout: plain font, no title (the page heading names it), legend on top."""
    layout = {
        "font": {"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        "margin": {"l": 70, "r": 20, "t": 30, "b": 60},
        "legend": {"orientation": "h", "y": 1.12},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "colorway": PALETTE,
        "height": 360,
    }
    layout.update(overrides)
    return layout


@dataclass
class Chart:
    """A figure with its data table: `headers` and `rows` of raw values, `display_rows` as shown."""

    id: str
    title: str
    figure: go.Figure
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    display_rows: Sequence[Sequence[Any]] = field(default_factory=list)
    description: str = ""

    def __post_init__(self) -> None:
        if not self.display_rows:
            self.display_rows = self.rows

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @cached_property
    def figure_json(self) -> dict:
        # Plotly's own encoder handles numpy and dates; json_script re-encodes the plain dict.
        # Kept: a chart built once (memo_pure) is rendered by many requests.
        return json.loads(self.figure.to_json())


def chart_csv_response(request: HttpRequest, charts: Sequence[Chart]) -> HttpResponse | None:
    """If the request asks for `?csv=<id>` of one of the page's charts, the CSV of its table."""
    wanted = request.GET.get("csv")
    if not wanted:
        return None
    for item in charts:
        if item.id == wanted:
            return csv_response(f"{item.id}.csv", item.headers, item.rows)
    return None
