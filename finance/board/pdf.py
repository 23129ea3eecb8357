"""The PDF board pack: the summary's template rendered by WeasyPrint, charts as server-side SVG."""

from __future__ import annotations

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from finance.board import svg
from finance.board.charts import trajectory_rows
from finance.board.display import compared_label, headline_rows
from finance.board.models import BoardSummary
from send_tracker.money import format_millions

# WeasyPrint logs every layout step at INFO; only its warnings matter here.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _money_axis(value: float) -> str:
    # One unit on every label of a chart: £m with one decimal (`£0.8m`, not `£800,000`).
    return format_millions(int(value))


def pack_charts(content: dict) -> dict[str, str]:
    """The pack's two charts as SVG markup: trajectory against the cap, and the bridge."""
    points = trajectory_rows(content)
    trajectory = svg.line_chart(
        title="Forecast in-year deficit against the Safety Valve cap",
        categories=[p["year"] for p in points],
        series=[
            svg.Series("Forecast in-year deficit", [p["in_year_deficit_pence"] for p in points]),
            svg.Series("Safety Valve in-year cap", [p["cap_pence"] for p in points]),
        ],
        fmt=_money_axis,
    ) if points else ""
    steps = (content.get("finance") or {}).get("bridge") or []
    bridge = svg.waterfall_chart(
        title="From the Safety Valve cap to the forecast deficit", steps=steps, fmt=_money_axis
    ) if steps else ""
    return {"trajectory": mark_safe(trajectory), "bridge": mark_safe(bridge)}  # noqa: S308 - built here, every text escaped


def _css_string(text: str) -> str:
    """Text made safe inside a CSS string literal (margin boxes of @page)."""
    return " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')


def render_pdf(summary: BoardSummary) -> bytes:
    """The board pack of a summary as PDF bytes (DRAFT or SIGNED OFF on every page)."""
    from weasyprint import CSS, HTML

    content = summary.content
    context = {
        "summary": summary,
        "content": content,
        "council_name": settings.COUNCIL_NAME,
        "watermark": "DRAFT" if summary.is_draft else "SIGNED OFF",
        "headline": headline_rows(content),
        "compared_label": compared_label(content),
        "charts": pack_charts(content),
        "trajectory_points": trajectory_rows(content),
    }
    context["css"] = {
        "council": _css_string(settings.COUNCIL_NAME),
        "status": _css_string(
            f"{context['watermark']} · {content['year']} {content['period_label']}"
        ),
        "footer": _css_string(f"SEND board summary · version {summary.version}"),
    }
    html = render_to_string("board/pack.html", context)
    css = render_to_string("board/pack.css", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(string=css)]
    )
