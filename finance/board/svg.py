"""Small server-side SVG charts for the PDF board pack (no browser, no kaleido): a line chart and
a horizontal waterfall. Series differ by dash pattern and label as well as colour; colours come
from the one chart palette (send_tracker.charts), so the pack matches the pages.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from send_tracker.charts import BAD, DELIVERED, FORECAST, INK, SCENARIO_COLOURS, TARGET, TOTAL

GRID = "#b1b4b6"
# The first series is the forecast, the second its target or cap (as on the board page).
COLOURS = [FORECAST, TARGET, *SCENARIO_COLOURS[1:]]
DASHES = ["", "8 4", "2 3", "12 4 2 4", "4 4"]
FONT = 'font-family="Arial, sans-serif"'


@dataclass
class Series:
    name: str
    values: Sequence[int | None]
    colour: str | None = None  # default: COLOURS by position


def _text(x: float, y: float, text: str, *, size: int = 11, anchor: str = "start",
          weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" {FONT} font-size="{size}" fill="{INK}" '
        f'text-anchor="{anchor}" font-weight="{weight}">{escape(text)}</text>'
    )


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 × 10ⁿ) giving about `ticks` intervals over the span."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(f * magnitude for f in (1, 2, 5, 10) if f * magnitude >= raw)


def _axis_range(values: Sequence[float]) -> tuple[float, float, float]:
    low, high = min([0.0, *values]), max([0.0, *values])
    step = _nice_step(high - low or 1)
    lo = step * (low // step)
    hi = step * -(-high // step)
    if hi == lo:
        hi = lo + step
    return lo, hi, step


def _gridlines(lo: float, hi: float, step: float, *, y_at: Callable[[float], float], left: int,
               plot_w: int, fmt: Callable[[float], str]) -> list[str]:
    """A horizontal line and its value at each tick, the zero line darker."""
    parts = []
    tick = lo
    while tick <= hi + step / 2:
        y = y_at(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                     f'stroke="{INK if tick == 0 else GRID}" '
                     f'stroke-width="{1 if tick == 0 else 0.5}"/>')
        parts.append(_text(left - 6, y + 4, fmt(tick), size=11, anchor="end"))
        tick += step
    return parts


def _end_labels(ends: list[list], *, floor: float) -> list[str]:
    """Direct labels at the line ends ([x, y, lines] each), pushed apart (14 px a text line)
    where lines end close; the lowest stays above `floor` (the year labels)."""
    parts = []
    ends.sort(key=lambda e: -e[1])  # lowest on the page first
    if ends:
        ends[0][1] = min(ends[0][1], floor - 7 * (len(ends[0][2]) - 1) - 4)
    for lower, upper in zip(ends, ends[1:], strict=False):
        needed = 7 * (len(lower[2]) + len(upper[2]))
        upper[1] = min(upper[1], lower[1] - needed)
    for x, y, lines in ends:
        first = y + 4 - 7 * (len(lines) - 1)
        for k, line in enumerate(lines):
            parts.append(_text(x + 8, first + 14 * k, line, size=12))
    return parts


def line_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float], str],
    width: int = 680,
    height: int = 300,
) -> str:
    """An SVG line chart: one polyline per series over the categories (None leaves a gap), each
    named with its last value at its end (direct labels, readable in print without a legend)."""
    labels = []
    for s in series:
        last = next((v for v in reversed(s.values) if v is not None), None)
        labels.append(textwrap.wrap(s.name if last is None else f"{s.name}: {fmt(float(last))}",
                                    22))
    widest = max((len(part) for parts in labels for part in parts), default=0)
    left, right, top, bottom = 80, 24 + int(6.5 * widest), 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for s in series for v in s.values if v is not None]
    lo, hi, step = _axis_range(values or [0.0])

    def x_at(i: int) -> float:
        return left + (plot_w * i / (len(categories) - 1) if len(categories) > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return top + plot_h * (hi - v) / (hi - lo)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">',
        f"<title>{escape(title)}</title>",
    ]
    parts += _gridlines(lo, hi, step, y_at=y_at, left=left, plot_w=plot_w, fmt=fmt)
    for i, label in enumerate(categories):
        parts.append(_text(x_at(i), height - bottom + 18, label, size=11, anchor="middle"))
    ends: list[list] = []
    for n, s in enumerate(series):
        colour, dash = s.colour or COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        points = [(x_at(i), y_at(float(v))) for i, v in enumerate(s.values) if v is not None]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline class="series" data-name="{escape(s.name)}" fill="none" '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr} points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>'
        )
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        if points:
            ends.append([points[-1][0], points[-1][1], labels[n]])
    parts += _end_labels(ends, floor=top + plot_h)
    parts.append("</svg>")
    return "".join(parts)


def waterfall_chart(
    *,
    title: str,
    steps: Sequence[dict],
    fmt: Callable[[float], str],
    width: int = 680,
    row_height: int = 26,
) -> str:
    """A horizontal waterfall: `absolute`/`total` steps are bars from zero, `relative` steps
    float from the running total; increases and decreases are labelled with + and −."""
    label_w, value_w, top, bottom = 230, 90, 10, 26
    plot_w = width - label_w - value_w
    height = top + bottom + row_height * len(steps)
    spans: list[tuple[float, float]] = []
    running = 0.0
    for step in steps:
        value = float(step["pence"])
        if step["measure"] == "relative":
            spans.append((running, running + value))
            running += value
        else:
            spans.append((0.0, value))
            running = value
    lo, hi, _ = _axis_range([v for span in spans for v in span] or [0.0])

    def x_at(v: float) -> float:
        return label_w + plot_w * (v - lo) / (hi - lo)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{x_at(0):.1f}" y1="{top}" x2="{x_at(0):.1f}" y2="{height - bottom}" '
        f'stroke="{INK}" stroke-width="1"/>',
    ]
    for i, (step, (start, end)) in enumerate(zip(steps, spans, strict=True)):
        y = top + i * row_height
        x0, x1 = sorted((x_at(start), x_at(end)))
        relative = step["measure"] == "relative"
        colour = (BAD if float(step["pence"]) > 0 else DELIVERED) if relative else TOTAL
        sign = ("+" if float(step["pence"]) > 0 else "−") if relative else ""
        parts.append(_text(label_w - 6, y + row_height / 2 + 4, step["label"], size=10,
                           anchor="end", weight="normal" if relative else "bold"))
        parts.append(
            f'<rect class="step" data-measure="{step["measure"]}" x="{x0:.1f}" '
            f'y="{y + 4:.1f}" width="{max(x1 - x0, 1):.1f}" height="{row_height - 8}" '
            f'fill="{colour}"/>'
        )
        shown = fmt(abs(float(step["pence"]))) if relative else fmt(float(step["pence"]))
        parts.append(_text(width - 4, y + row_height / 2 + 4, f"{sign}{shown}", size=10,
                           anchor="end"))
    parts.append("</svg>")
    return "".join(parts)
