"""The PDF board pack (text read back with pypdf), the Excel workbook and the SVG charts."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from finance.board import svg
from finance.board.excel import render_xlsx
from finance.board.pdf import render_pdf
from finance.board.services import board_summary_update_text
from send_tracker.exports import MONEY_FORMAT

pytestmark = pytest.mark.django_db
NS = "{http://www.w3.org/2000/svg}"


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_draft_pdf_carries_the_council_the_period_the_headline_figures_and_draft(
    build_summary, finance_user, settings
):
    settings.COUNCIL_NAME = "Southshire County Council"
    summary = build_summary().summary
    summary = board_summary_update_text(summary_id=summary.pk, user=finance_user,
                                        commentary="Savings are slipping.",
                                        decisions_needed="Agree the reprofile.")
    text = pdf_text(render_pdf(summary))
    for expected in ("Southshire County Council", "2024/25", "P6 (September)", "DRAFT",
                     "£15.4m", "£11.0m", "£4.4m", "Agree the reprofile.",
                     "Savings are slipping.", "Page 1 of", "Sufficiency"):
        assert expected in text, expected
    assert "SIGNED OFF" not in text


def test_a_signed_off_pdf_says_signed_off_and_who_signed_it(sign_off_summary):
    summary = sign_off_summary(6)
    text = pdf_text(render_pdf(summary))
    assert "SIGNED OFF" in text
    assert summary.signed_off_by_name in text
    assert "DRAFT" not in text


def test_the_pdf_shows_the_change_since_the_last_signed_off_month(sign_off_summary, build_summary):
    sign_off_summary(5)
    text = pdf_text(render_pdf(build_summary(6).summary))
    assert "down £1.0m" in text
    assert "P5 2024/25" in text


def test_the_excel_workbook_has_numbers_in_pounds_with_a_pound_format(build_summary):
    summary = build_summary().summary
    workbook = load_workbook(io.BytesIO(render_xlsx(summary)))
    assert {"Summary", "Headline", "Strands", "Finance", "Bridge", "Trajectory", "Cohort",
            "Top risks", "KPIs", "Milestones"} <= set(workbook.sheetnames)
    headline = {row[0].value: row[1] for row in workbook["Headline"].iter_rows(min_row=2)}
    target = headline["Savings target"]
    assert isinstance(target.value, int | float)
    assert target.value == 15_400_000
    assert target.number_format == MONEY_FORMAT
    strands = workbook["Strands"]
    suff = next(r for r in strands.iter_rows(min_row=2) if r[0].value == "Sufficiency")
    assert [c.value for c in suff[1:5]] == [8_000_000, 7_000_000, 1_750_000, 1_000_000]
    assert all(c.number_format == MONEY_FORMAT for c in suff[1:5])


def test_text_cells_that_look_like_formulas_are_defused(build_summary, finance_user):
    summary = build_summary().summary
    summary = board_summary_update_text(summary_id=summary.pk, user=finance_user,
                                        commentary="=HYPERLINK(\"http://x\")",
                                        decisions_needed="")
    workbook = load_workbook(io.BytesIO(render_xlsx(summary)))
    about = {row[0].value: row[1].value for row in workbook["Summary"].iter_rows(min_row=2)}
    assert about["Commentary"].startswith("'=")


def money(value: float) -> str:
    return f"£{value / 100:,.0f}"


def test_the_line_chart_draws_one_line_per_series_with_a_point_per_year_scaled_to_the_axis():
    chart = svg.line_chart(
        title="Deficit", categories=["2024/25", "2025/26", "2026/27"],
        series=[svg.Series("Deficit", [4_590_000_000, 3_000_000_000, 0]),
                svg.Series("Cap", [3_120_000_000, None, 0])],
        fmt=money, width=680, height=280,
    )
    root = ET.fromstring(chart)  # noqa: S314 - our own output
    lines = root.findall(f"{NS}polyline")
    assert [line.get("data-name") for line in lines] == ["Deficit", "Cap"]
    deficit = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    assert len(deficit) == 3
    assert len(lines[1].get("points").split()) == 2  # a missing value leaves a gap
    # Zero sits on the bottom of the plot (height 280 - bottom margin 36), the first point
    # highest; the second series is dashed so it differs by more than colour.
    assert deficit[2][1] == pytest.approx(244.0)
    assert deficit[0][1] < deficit[1][1] < deficit[2][1]
    assert lines[1].get("stroke-dasharray")
    assert root.find(f"{NS}title").text == "Deficit"


def test_the_waterfall_floats_each_step_from_the_running_total():
    steps = [
        {"label": "Cap", "pence": 100, "measure": "absolute"},
        {"label": "Shortfall", "pence": 50, "measure": "relative"},
        {"label": "Saving", "pence": -30, "measure": "relative"},
        {"label": "Deficit", "pence": 120, "measure": "total"},
    ]
    root = ET.fromstring(svg.waterfall_chart(  # noqa: S314 - our own output
        title="Bridge", steps=steps, width=680, fmt=lambda v: f"£{v:,.0f}"))
    bars = root.findall(f"{NS}rect")
    assert [b.get("data-measure") for b in bars] == ["absolute", "relative", "relative", "total"]
    x = [float(b.get("x")) for b in bars]
    w = [float(b.get("width")) for b in bars]
    zero = x[0]
    assert x[1] == pytest.approx(x[0] + w[0])          # the shortfall starts where the cap ends
    assert x[2] + w[2] == pytest.approx(x[1] + w[1])   # the saving ends where the shortfall ends
    assert x[3] == pytest.approx(zero)                  # a total starts at zero again
    assert w[3] == pytest.approx(w[0] * 1.2)
    texts = [t.text for t in root.iter(f"{NS}text")]
    # Label then amount for each step; moves are signed in words' stead, not only by colour.
    assert texts[1::2] == ["£100", "+£50", "−£30", "£120"]
