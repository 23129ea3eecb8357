"""Reads for the trajectory: its inputs (aggregates only) and the newest finished runs."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from decimal import Decimal

from django.db.models import Prefetch

from finance import trajectory as core
from finance.charts import Chart, trajectory_charts
from finance.models import (
    DeficitOutturn,
    HighNeedsIncome,
    Scenario,
    TrajectoryPoint,
    TrajectoryRun,
)
from finance.selectors import crossapp
from finance.selectors.agreement import agreement_get, current_version, versions_with_targets
from finance.selectors.budget import latest_period, ledger_totals
from finance.selectors.summary import mitigations_by_year
from send_tracker.charts import scenario_colour
from send_tracker.dataversion import cached_selector
from send_tracker.fiscal import FinancialYear
from send_tracker.history import item_history

# Bump when a formula changes, so every scenario recomputes on the next run.
FORMULA_VERSION = 1


def scenario_params(scenario: Scenario) -> core.ScenarioParams:
    """A scenario's percentages as the fractions the formulas use."""

    def frac(pct) -> Decimal:
        return Decimal(str(pct)) / 100

    return core.ScenarioParams(
        growth={code: frac(pct) for code, pct in sorted((scenario.growth_by_type or {}).items())},
        default_growth=frac(scenario.default_growth_pct),
        inflation=frac(scenario.unit_cost_inflation_pct),
        income_growth=frac(scenario.income_growth_pct),
        savings_delivery=frac(scenario.savings_delivery_pct),
        mitigation_delivery=frac(scenario.mitigation_delivery_pct),
    )


def run_reflects_assumptions(run: TrajectoryRun, scenario: Scenario) -> bool:
    """Whether a run was computed under the scenario's assumptions as they now stand.

    False after an edit whose recompute has not run yet (queued, or lost with Redis down): the
    page then says the figures shown predate the assumptions, rather than passing them off.
    """
    return (run.inputs or {}).get("scenario") == core.jsonable(scenario_params(scenario))


def base_inputs() -> core.TrajectoryInputs | None:
    """Every input but the scenario, gathered in a fixed number of queries; None without a ledger
    or an agreement (nothing to anchor or to measure against)."""
    latest = latest_period()
    agreement = agreement_get()
    version = current_version(agreement) if agreement else None
    if latest is None or version is None:
        return None
    y0, period = latest
    targets = list(version.targets.all())
    instalments = {
        i.year: core.Instalment(i.amount_pence, i.status) for i in agreement.instalments.all()
    }
    years = [t.year for t in targets] + [y for y in instalments]
    last_year = max(years) if years else y0
    if last_year < y0:
        return None
    cohort = crossapp.cohort_projection_inputs(at=dt.date(y0, 4, 1))
    fy0 = FinancialYear(y0)
    programme = crossapp.programme_summary(year=fy0, period=period)
    opening = (
        DeficitOutturn.objects.filter(year__lt=y0)
        .order_by("-year")
        .values_list("cumulative_deficit_pence", flat=True)
        .first()
    )
    return core.TrajectoryInputs(
        y0=y0,
        last_year=last_year,
        caseload={code: v["caseload"] for code, v in sorted(cohort.items())},
        high_needs_cost_pence={
            code: v["high_needs_cost_pence"] for code, v in sorted(cohort.items())
        },
        ledger_outturn_pence=ledger_totals(year=fy0, period=period)["forecast_outturn_pence"],
        savings_forecast_pence=programme["forecast_pence"] if programme else 0,
        savings_targets=crossapp.programme_targets_by_year(),
        mitigations=mitigations_by_year(),
        income=dict(HighNeedsIncome.objects.values_list("year", "allocation_pence")),
        caps={t.year: t.in_year_cap_pence for t in targets},
        cumulative_targets={t.year: t.cumulative_target_pence for t in targets},
        instalments=instalments,
        opening_cumulative_deficit_pence=opening or 0,
    )


def with_scenario(inputs: core.TrajectoryInputs, scenario: Scenario) -> core.TrajectoryInputs:
    """The base inputs with a scenario's assumptions."""
    return replace(inputs, scenario=scenario_params(scenario))


def inputs_fingerprint(inputs: core.TrajectoryInputs) -> str:
    """The fingerprint a run records: the inputs and the formulas' version."""
    return hashlib.sha256(f"{FORMULA_VERSION}:{inputs.fingerprint()}".encode()).hexdigest()


@cached_selector  # once per data version; each caller its own copy
def scenarios() -> list[Scenario]:
    """Scenarios, in display order."""
    return list(Scenario.objects.order_by("-is_baseline", "name"))


@cached_selector  # once per data version; each caller its own copy of the runs
def current_runs(scenario_ids: list[int] | None = None) -> dict[int, TrajectoryRun]:
    """Scenario id → its current (newest finished) run, points prefetched (two queries)."""
    qs = TrajectoryRun.objects.filter(is_current=True).select_related("scenario").prefetch_related(
        Prefetch("points", queryset=TrajectoryPoint.objects.order_by("year"))
    )
    if scenario_ids is not None:
        qs = qs.filter(scenario_id__in=scenario_ids)
    return {run.scenario_id: run for run in qs}


POINT_FIELDS = ("year", "unmitigated_spend_pence", "mitigated_spend_pence", "income_pence",
                "in_year_deficit_pence", "cap_pence", "variance_pence", "instalment_pence",
                "instalment_at_risk", "cumulative_deficit_pence",
                "cumulative_deficit_at_risk_pence", "cumulative_target_pence")


def point_rows(run: TrajectoryRun) -> list[dict]:
    """A run's points (prefetched by `current_runs`) as the points table's plain rows: a
    template reads a dict's keys faster than a model's attributes."""
    return [{name: getattr(point, name) for name in POINT_FIELDS} for point in run.points.all()]


@cached_selector  # once per data version, not per page
def trajectory_points(*, scenario_slug: str) -> dict:
    """The newest finished run of a scenario, as GET /api/v1/trajectory/ (one query)."""
    rows = list(
        TrajectoryPoint.objects.filter(run__scenario__slug=scenario_slug, run__is_current=True)
        .select_related("run__scenario").order_by("year")
    )
    if not rows:
        return {"scenario": scenario_slug, "run_finished_at": None, "points": []}
    run = rows[0].run
    points = [
        {
            "year": f"{p.year}/{(p.year + 1) % 100:02d}",
            "unmitigated_spend_pence": p.unmitigated_spend_pence,
            "mitigated_spend_pence": p.mitigated_spend_pence,
            "income_pence": p.income_pence,
            "in_year_deficit_pence": p.in_year_deficit_pence,
            "cumulative_deficit_pence": p.cumulative_deficit_pence,
            "cumulative_deficit_at_risk_pence": p.cumulative_deficit_at_risk_pence,
            "cap_pence": p.cap_pence,
            "cumulative_target_pence": p.cumulative_target_pence,
            "variance_pence": p.variance_pence,
            "instalment_pence": p.instalment_pence,
            "instalment_at_risk": p.instalment_at_risk,
        }
        for p in rows
    ]
    return {
        "scenario": run.scenario.slug,
        "scenario_name": run.scenario.name,
        "run_id": run.pk,
        "run_started_at": run.started_at.isoformat(),
        "run_finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "points": points,
    }


@cached_selector(share=True)  # built once per data version and choice of scenarios
def trajectory_page_charts(chosen: tuple[str, ...]) -> list[Chart]:
    """The trajectory page's charts (finance.charts) for the chosen scenarios' slugs, in page
    order: their current runs against every version of the agreement; a scenario keeps the
    colour of its place among all scenarios, whichever are chosen."""
    all_scenarios = scenarios()
    place = {s.slug: i for i, s in enumerate(all_scenarios)}
    shown = [s for s in all_scenarios if s.slug in chosen]
    shown.sort(key=lambda s: chosen.index(s.slug))
    runs = current_runs([s.pk for s in shown])
    series = [(s.name, list(runs[s.pk].points.all())) for s in shown if s.pk in runs]
    if not series:
        return []
    found = agreement_get()
    versions = versions_with_targets(found) if found else []
    colours = [scenario_colour(place[s.slug]) for s in shown if s.pk in runs]
    return trajectory_charts(series, versions, colours)


@cached_selector(share=True)  # a diff of each of the last changes: once per data version
def scenario_history(scenario_id: int, *, limit: int = 10) -> list[dict]:
    """The scenario's latest changes, newest first (send_tracker.history.item_history), as plain
    rows: when, who, what changed and why (shared between requests, so no history records)."""
    return [{key: entry[key] for key in ("when", "who", "what", "reason")}
            for entry in item_history(Scenario.objects.get(pk=scenario_id), limit=limit)]
