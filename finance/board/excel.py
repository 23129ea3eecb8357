"""The Excel workbook of a board summary: one sheet per section, money as numbers in pounds.

Written through send_tracker.exports (money cells as exact pounds with its MONEY_FORMAT, text
cells defused against formula injection); each sheet is built by its own small function.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

from finance.board.charts import trajectory_rows
from finance.board.display import compared_label, headline_rows
from finance.board.models import BoardSummary
from send_tracker.exports import Money, Sheet, xlsx_bytes
from send_tracker.rag import NO_TARGET, RAG_WORDS

FINANCE_FIGURES = [
    ("Budget", "budget_pence"), ("Forecast outturn", "forecast_outturn_pence"),
    ("Overspend against budget", "overspend_pence"),
    ("High Needs income", "income_pence"), ("In-year deficit", "in_year_deficit_pence"),
    ("Safety Valve in-year cap", "sv_cap_pence"),
    ("Variance to cap", "variance_to_cap_pence"),
    ("Mitigations identified", "mitigations_pence"),
    ("Deficit after mitigations", "deficit_after_mitigations_pence"),
    ("Variance to cap after mitigations", "variance_after_mitigations_pence"),
]


def _since(content: dict) -> str:
    return compared_label(content) or "no earlier signed-off month"


def _about(summary: BoardSummary) -> Sheet:
    content = summary.content
    status = "DRAFT" if summary.is_draft else (
        f"SIGNED OFF by {summary.signed_off_by_name} on {summary.signed_off_at:%Y-%m-%d %H:%M}"
    )
    rows = [
        ["Council", settings.COUNCIL_NAME], ["Year", content["year"]],
        ["Period", content["period_label"]], ["Version", summary.version], ["Status", status],
        ["Changes measured against", _since(content)],
        ["Decisions needed", summary.decisions_needed],
        ["Commentary", summary.commentary], ["Content hash", summary.content_hash],
    ]
    return Sheet("Summary", ["Item", "Value"], rows)


def _headline(content: dict) -> Sheet:
    rows = [
        [row.label, Money(row.value) if row.unit == "pence" else row.value,
         Money(row.change) if row.unit == "pence" else row.change]
        for row in headline_rows(content)
    ]
    return Sheet("Headline", ["Figure", content["period_label"],
                              f"Change since {_since(content)}"], rows)


def _strands(content: dict) -> Sheet:
    rows = [
        [s["name"], Money(s["target_pence"]), Money(s["forecast_pence"]),
         Money(s["delivered_pence"]), Money(s["shortfall_pence"]),
         RAG_WORDS[NO_TARGET] if s["rag"] == NO_TARGET else s["rag"].capitalize()]
        for s in content.get("strands", [])
    ]
    savings = content.get("savings", {})
    rows.append(["Programme", Money(savings.get("target_pence")),
                 Money(savings.get("forecast_pence")), Money(savings.get("delivered_pence")),
                 Money(savings.get("shortfall_pence")), ""])
    rows.append(["Unallocated", Money(savings.get("unallocated_pence")), None, None, None, ""])
    return Sheet("Strands", ["Strand", "Target", "Forecast", "Delivered", "Shortfall", "RAG"],
                 rows)


def _finance(content: dict) -> list[Sheet]:
    finance = content.get("finance") or {}
    rows = [[label, Money(finance.get(key))] for label, key in FINANCE_FIGURES]
    rows += [[f"Pressure: {kind}", Money(pence)]
             for kind, pence in finance.get("pressures", {}).items()]
    bridge = [[s["label"], Money(s["pence"]), s["measure"]] for s in finance.get("bridge", [])]
    return [Sheet("Finance", ["Figure", "Amount"], rows),
            Sheet("Bridge", ["Step", "Amount", "Kind"], bridge)]


def _trajectory(content: dict) -> Sheet:
    rows = [
        [p["year"], Money(p["in_year_deficit_pence"]), Money(p["cap_pence"]),
         Money(p["variance_pence"]), Money(p["cumulative_deficit_pence"]),
         Money(p["cumulative_target_pence"]), "Yes" if p.get("instalment_at_risk") else "No"]
        for p in trajectory_rows(content)
    ]
    return Sheet("Trajectory", ["Year", "In-year deficit", "Cap", "Variance to cap",
                                "Cumulative deficit", "Cumulative target", "Instalment at risk"],
                 rows)


def _cohort(content: dict) -> Sheet:
    cohort = content.get("cohort") or {}
    rows = [
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
    return Sheet("Cohort", ["Figure", "Value", "Annual cost"], rows)


def _programme(content: dict) -> list[Sheet]:
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
    return [
        Sheet("Top risks", ["Risk", "Strand", "Owner", "Likelihood", "Impact", "Score",
                            "Mitigation"], risks),
        Sheet("KPIs", ["Indicator", "Unit", "Baseline", "Latest", "Target", "Latest reading"],
              kpis),
        Sheet("Milestones", ["Milestone", "Strand", "Project", "Forecast date", "Days late",
                             "Due or overdue"], milestones),
    ]


def _benchmarking(content: dict) -> Sheet:
    # The DfE's published figures (Open Government Licence v3.0; source: DfE).
    panel = content.get("benchmarking") or {}
    rows = [
        [r["name"], r["period_label"], _number(r["value"]), r["unit"], r["rank"], r["of"],
         r["direction"], panel.get("release")]
        for r in panel.get("rows", [])
    ]
    return Sheet("Benchmarking", ["Measure", "Period", "Value", "Unit", "Rank", "Of",
                                  "Which way", "Release"], rows)


def _sheets(summary: BoardSummary) -> list[Sheet]:
    content = summary.content
    return [_about(summary), _headline(content), _strands(content), *_finance(content),
            _trajectory(content), _cohort(content), *_programme(content),
            _benchmarking(content)]


def _number(value: Any) -> Any:
    """A KPI value (stored as text of a Decimal in the snapshot) as a number."""
    return None if value in (None, "") else Decimal(str(value))


def render_xlsx(summary: BoardSummary) -> bytes:
    """The workbook of a summary as .xlsx bytes."""
    return xlsx_bytes(_sheets(summary))
