"""The Excel workbook of a board summary: one sheet per section, money as numbers in pounds.

Pence are written as pounds (pence / 100, exact Decimals) with the format '£#,##0', so a
cell sums and sorts in Excel; text cells go through safe_cell against formula injection.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from finance.board.charts import trajectory_rows
from finance.board.display import compared_label, headline_rows
from finance.board.models import BoardSummary
from send_tracker.exports import safe_cell

MONEY_FORMAT = "£#,##0"


class Money:
    """A cell value in pence, to be written as pounds with the money format."""

    def __init__(self, pence: int | None) -> None:
        self.pence = pence


def _write(ws, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    ws.append([safe_cell(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values, money_cols = [], []
        for i, value in enumerate(row, start=1):
            if isinstance(value, Money):
                money_cols.append(i)
                value = None if value.pence is None else Decimal(int(value.pence)) / 100
            values.append(safe_cell(value))
        ws.append(values)
        for col in money_cols:
            ws.cell(row=ws.max_row, column=col).number_format = MONEY_FORMAT
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(14, min(len(str(header)) + 4, 60))
    ws.column_dimensions["A"].width = 48
    ws.freeze_panes = "A2"


def _sheets(summary: BoardSummary) -> list[tuple[str, list[str], list[list[Any]]]]:
    content = summary.content
    since = compared_label(content) or "no earlier signed-off month"
    headline = [
        [row.label, Money(row.value) if row.unit == "pence" else row.value,
         Money(row.change) if row.unit == "pence" else row.change]
        for row in headline_rows(content)
    ]
    strands = [
        [s["name"], Money(s["target_pence"]), Money(s["forecast_pence"]),
         Money(s["delivered_pence"]), Money(s["shortfall_pence"]),
         "No target" if s["rag"] == "none" else s["rag"].capitalize()]
        for s in content.get("strands", [])
    ]
    savings = content.get("savings", {})
    strands.append(["Programme", Money(savings.get("target_pence")),
                    Money(savings.get("forecast_pence")), Money(savings.get("delivered_pence")),
                    Money(savings.get("shortfall_pence")), ""])
    strands.append(["Unallocated", Money(savings.get("unallocated_pence")), None, None, None, ""])
    finance = content.get("finance") or {}
    finance_rows = [
        [label, Money(finance.get(key))]
        for label, key in [
            ("Budget", "budget_pence"), ("Forecast outturn", "forecast_outturn_pence"),
            ("Overspend against budget", "overspend_pence"),
            ("High Needs income", "income_pence"), ("In-year deficit", "in_year_deficit_pence"),
            ("Safety Valve in-year cap", "sv_cap_pence"),
            ("Variance to cap", "variance_to_cap_pence"),
            ("Mitigations identified", "mitigations_pence"),
            ("Deficit after mitigations", "deficit_after_mitigations_pence"),
            ("Variance to cap after mitigations", "variance_after_mitigations_pence"),
        ]
    ]
    finance_rows += [
        [f"Pressure: {kind}", Money(pence)] for kind, pence in finance.get("pressures", {}).items()
    ]
    bridge = [[s["label"], Money(s["pence"]), s["measure"]] for s in finance.get("bridge", [])]
    trajectory = [
        [p["year"], Money(p["in_year_deficit_pence"]), Money(p["cap_pence"]),
         Money(p["variance_pence"]), Money(p["cumulative_deficit_pence"]),
         Money(p["cumulative_target_pence"]), "Yes" if p.get("instalment_at_risk") else "No"]
        for p in trajectory_rows(content)
    ]
    cohort = content.get("cohort") or {}
    cohort_rows = [
        ["EHC plans", cohort.get("plans")],
        ["Average cost per plan", Money(cohort.get("avg_cost_per_plan_pence"))],
        ["Change in average cost per plan over the year",
         Money(cohort.get("avg_cost_change_pence"))],
        ["Plans issued within 20 weeks (%)",
         float(cohort["within_20_weeks_pct"]) if cohort.get("within_20_weeks_pct") else None],
        ["Requests open over 16 weeks", cohort.get("backlog_over_16_weeks")],
    ] + [
        [f"Placements: {code}", v["count"], Money(v["annual_cost_pence"])]
        for code, v in (cohort.get("placements_by_provision_type") or {}).items()
    ]
    risks = [
        [r["title"], r["strand"], r["owner"], r["likelihood"], r["impact"], r["score"],
         r["mitigation"]]
        for r in content.get("top_risks", [])
    ]
    kpis = [
        [k["name"], k["unit"], _number(k["baseline_value"]), _number(k["latest_value"]),
         _number(k["target_value"]), k["latest_date"] or ""]
        for k in content.get("kpis", [])
    ]
    milestones = [
        [m["name"], m["strand"], m["project"], m["forecast_date"], m["days_late"], which]
        for which in ("due", "overdue")
        for m in (content.get("milestones") or {}).get(which, [])
    ]
    panel = content.get("benchmarking") or {}
    benchmarking = [
        [r["name"], r["period_label"], _number(r["value"]), r["unit"], r["rank"], r["of"],
         r["direction"], panel.get("release")]
        for r in panel.get("rows", [])
    ]
    status = "DRAFT" if summary.is_draft else (
        f"SIGNED OFF by {summary.signed_off_by_name} on {summary.signed_off_at:%Y-%m-%d %H:%M}"
    )
    about = [
        ["Council", settings.COUNCIL_NAME], ["Year", content["year"]],
        ["Period", content["period_label"]], ["Version", summary.version], ["Status", status],
        ["Changes measured against", since], ["Decisions needed", summary.decisions_needed],
        ["Commentary", summary.commentary], ["Content hash", summary.content_hash],
    ]
    return [
        ("Summary", ["Item", "Value"], about),
        ("Headline", ["Figure", content["period_label"], f"Change since {since}"], headline),
        ("Strands", ["Strand", "Target", "Forecast", "Delivered", "Shortfall", "RAG"], strands),
        ("Finance", ["Figure", "Amount"], finance_rows),
        ("Bridge", ["Step", "Amount", "Kind"], bridge),
        ("Trajectory", ["Year", "In-year deficit", "Cap", "Variance to cap",
                        "Cumulative deficit", "Cumulative target", "Instalment at risk"],
         trajectory),
        ("Cohort", ["Figure", "Value", "Annual cost"], cohort_rows),
        ("Top risks", ["Risk", "Strand", "Owner", "Likelihood", "Impact", "Score",
                       "Mitigation"], risks),
        ("KPIs", ["Indicator", "Unit", "Baseline", "Latest", "Target", "Latest reading"], kpis),
        ("Milestones", ["Milestone", "Strand", "Project", "Forecast date", "Days late",
                        "Due or overdue"], milestones),
        # The DfE's published figures (Open Government Licence v3.0; source: DfE).
        ("Benchmarking", ["Measure", "Period", "Value", "Unit", "Rank", "Of", "Which way",
                          "Release"], benchmarking),
    ]


def _number(value: Any) -> Any:
    """A KPI value (stored as text of a Decimal in the snapshot) as a number."""
    return None if value in (None, "") else Decimal(str(value))


def render_xlsx(summary: BoardSummary) -> bytes:
    """The workbook of a summary as .xlsx bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in _sheets(summary):
        _write(workbook.create_sheet(title), headers, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
