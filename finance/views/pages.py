"""Pages of the finance app (and the Overview and board pages, which compose all three apps).

Budget monitoring pages are here; the agreement and trajectory pages are in agreement.py
and trajectory.py.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from finance import charts, selectors
from finance.selectors import crossapp
from finance.selectors.summary import describe_variance
from finance.selectors.tasks import NOTHING, tasks_for
from finance.views.common import chosen_period
from send_tracker import measures
from send_tracker.charts import chart_csv_response
from send_tracker.fiscal import FinancialYear, period_end, period_label
from send_tracker.permissions import capability_required


@capability_required("view_aggregates")
def overview(request: HttpRequest) -> HttpResponse:
    """The landing page: headline figures across programme, finance and placements."""
    latest = selectors.latest_period()
    periods = [latest] if latest else []  # the newest is all chosen_period and the as-at need
    chosen = chosen_period(request, periods)
    # The page starts with what the signed-in user has to do this month.
    context: dict = {"chosen": chosen, "ledger_latest": latest,
                     "task_groups": tasks_for(request.user), "no_tasks_words": NOTHING}
    chart_list = []
    if chosen is not None:
        period = chosen.period
        fy = chosen.year
        programme = crossapp.programme_summary(year=fy, period=period)
        summary = selectors.finance_summary(year=fy, period=period, programme=programme)
        context.update(summary=summary, year_label=fy.label, period_label=period_label(period),
                       **_variance_words(summary))
        if summary["bridge"]:
            chart_list.append(charts.bridge_chart(
                summary["bridge"], title=f"From the Safety Valve cap to the forecast deficit, "
                                         f"{fy.label} {period_label(period)}"))
        context["programme"] = programme
        if programme and programme.get("strands"):
            chart_list.append(charts.strands_chart(programme["strands"], year_label=fy.label))
        context["cohort_on"] = as_at = period_end(fy, period)
        context["cohort"] = crossapp.cohort_summary(on=context["cohort_on"])
        context["as_at"] = as_at
        baseline = selectors.trajectory_points(scenario_slug="baseline")
        # The registry's figures, from the summaries already read (only those the page shows).
        codes = ["deficit_after_mitigations_identified",
                 "deficit_after_expected_mitigation_delivery"]
        codes += ["savings_forecast"] if programme else []
        codes += ["plans", "avg_cost_per_plan"] if context["cohort"] else []
        context["m"] = measures.values(
            codes, on=as_at, cohort_summary=context["cohort"], finance_summary=summary,
            programme_summary=programme, baseline_trajectory=baseline, ledger_periods=periods)
        expected = context["m"]["deficit_after_expected_mitigation_delivery"]
        context["expected_words"] = describe_variance(expected) if expected is not None else ""
        context["next_point"] = next(
            (p for p in baseline["points"] if p["year"] == fy.label), None)
        context["baseline"] = baseline
    if (csv := chart_csv_response(request, chart_list)) is not None:
        return csv
    context["charts"] = chart_list
    return render(request, "finance/overview.html", context)


@capability_required("view_aggregates")
def finance_dashboard(request: HttpRequest) -> HttpResponse:
    """Budget monitoring for a year and period: lines, RAG, movement, the bridge."""
    periods = selectors.ledger_periods()
    chosen = chosen_period(request, periods)
    if chosen is None:
        return render(request, "finance/dashboard.html", {"chosen": None})
    year, period = chosen.year.start_year, chosen.period
    fy = chosen.year
    programme = crossapp.programme_summary(year=fy, period=period)
    summary = selectors.finance_summary(year=fy, period=period, programme=programme)
    monitoring = selectors.budget_monitoring(year=fy, period=period)
    by_period = [r for r in selectors.forecast_by_period(year=fy) if r["period"] <= period]
    chart_list = [charts.forecast_by_period_chart(by_period, year=year,
                                                  income_pence=summary["income_pence"],
                                                  cap_pence=summary["sv_cap_pence"])]
    if summary["bridge"]:
        chart_list.append(charts.bridge_chart(
            summary["bridge"],
            title=f"The overspend bridge, {fy.label} {period_label(period)}"))
    if (csv := chart_csv_response(request, chart_list)) is not None:
        return csv
    from finance.forms import PeriodForm

    form = PeriodForm(initial={"year": fy.slug, "period": period},
                      periods=periods)
    return render(request, "finance/dashboard.html", {
        "chosen": chosen, "ledger_latest": periods[-1], "form": form, "year_label": fy.label,
        "period_label": period_label(period), "summary": summary, "monitoring": monitoring,
        "charts": chart_list,
        **_variance_words(summary),
        "pressures": selectors.pressure_list(year=fy),
        "mitigations": selectors.mitigation_list(year=fy),
        "impact": _trajectory_impact(year),
        "as_at": period_end(fy, period),
        "m": measures.values(
            ["deficit_after_mitigations_identified"]
            + (["savings_forecast"] if programme else []),
            on=period_end(fy, period), finance_summary=summary, programme_summary=programme),
        "trajectory_as_at": _trajectory_as_at_for(year, periods),
        "rag_red_pct": settings.BUDGET_RAG_RED_PCT, "rag_red_pence": settings.BUDGET_RAG_RED_PENCE,
        "rag_amber_pct": settings.BUDGET_RAG_AMBER_PCT,
    })


def _variance_words(summary: dict) -> dict[str, str]:
    """The gap to the cap before and after mitigations, in words (or what is missing)."""
    if summary["in_year_deficit_pence"] is None:
        missing = "no High Needs income entered for the year yet"
        return {"variance_words": missing, "after_words": missing}
    return {
        "variance_words": describe_variance(summary["variance_to_cap_pence"]),
        "after_words": describe_variance(summary["variance_after_mitigations_pence"]),
    }


def _trajectory_as_at_for(year: int, periods: list) -> dt.date | None:
    """The current runs' as-at date when their first year is this one (else their figures for
    the year are projections, not the measure)."""
    as_at = selectors.trajectory_as_at(periods=periods)
    return as_at if as_at and FinancialYear.containing(as_at).start_year == year else None


def _trajectory_impact(year: int) -> list[dict]:
    """Each scenario's current result for the year: deficit, variance, the instalment."""
    rows = []
    for run in selectors.current_runs().values():
        point = next((p for p in run.points.all() if p.year == year), None)
        if point is not None:
            rows.append({"scenario": run.scenario, "point": point, "run": run})
    return sorted(rows, key=lambda r: (not r["scenario"].is_baseline, r["scenario"].name))
