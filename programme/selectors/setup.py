"""Reads of programme set-up: the programme's years, the target table, strands, projects,
milestone baselines and KPI readings (typed, or computed from the data the tracker holds)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from programme.models import (
    Kpi,
    KpiReading,
    Milestone,
    MilestoneBaseline,
    Programme,
    Project,
    SavingsTarget,
    Strand,
)
from programme.selectors.summary import programme_summary, targets_by_year
from send_tracker.fiscal import FinancialYear, period_end, period_of
from send_tracker.money import to_pounds
from send_tracker.reporting import reporting_month


def programme_get() -> Programme | None:
    """The programme's one row, or None before it is set up."""
    return Programme.objects.filter(pk=1).first()


def programme_years() -> range | None:
    """The start years the programme runs over, or None before it is set up."""
    programme = programme_get()
    return programme.years if programme else None


def setup_strands() -> QuerySet[Strand]:
    """Every strand, archived ones too, with lead, deputies and number of projects."""
    return (
        Strand.objects.select_related("lead").prefetch_related("deputies")
        .annotate(project_count=Count("projects")).order_by("order", "name")
    )


def setup_projects() -> QuerySet[Project]:
    """Every project with its strand and owner, strand order then name."""
    return Project.objects.select_related("strand", "lead").order_by(
        "strand__order", "strand__name", "name"
    )


def target_table() -> dict[str, Any]:
    """Each programme year's target T(y), its increase on the year before (the new savings that
    year must find), the sum of the strands' targets and the unallocated difference.

    T(y) is cumulative against the pre-programme baseline (recurring savings included), so the
    year before the programme's first year counts as nothing. Two queries.
    """
    years = programme_years()
    by_year = targets_by_year()
    if years is None:
        years = range(min(by_year), max(by_year) + 1) if by_year else range(0)
    rows, previous = [], 0
    for year in years:
        row = by_year.get(year, {"programme": None, "allocated": 0})
        total = row["allocated"] if row["programme"] is None else row["programme"]
        rows.append({
            "year": FinancialYear(year), "target_pence": total,
            "increase_pence": total - previous, "allocated_pence": row["allocated"],
            "unallocated_pence": total - row["allocated"],
            "programme_row": row["programme"] is not None,
        })
        previous = total
    return {"years": rows}


def project_targets(project: Project) -> dict[int, int]:
    """Start year → the project's target in pence."""
    return dict(project.targets.values_list("year", "amount_pence"))


def programme_level_targets() -> dict[int, int]:
    """Start year → the programme-level target row in pence (years without one are absent)."""
    return dict(SavingsTarget.objects.filter(strand__isnull=True, project__isnull=True)
                .values_list("year", "amount_pence"))


def milestone_baselines(milestone: Milestone) -> list[dict[str, Any]]:
    """The milestone's baselines, oldest first, with who set each and why."""
    rows = [
        {"baseline_date": b.baseline_date, "reason": b.reason, "set_at": b.created_at,
         "set_by": b.created_by}
        for b in milestone.baselines.select_related("created_by")
    ]
    if not rows:  # created before baselines were recorded: its baseline is the original
        rows = [{"baseline_date": milestone.baseline_date, "reason": "Original baseline",
                 "set_at": milestone.created_at, "set_by": milestone.created_by}]
    return rows


def setup_milestones(project: Project) -> QuerySet[Milestone]:
    """A project's milestones with their baselines."""
    return project.milestones.prefetch_related(
        Prefetch("baselines", queryset=MilestoneBaseline.objects.order_by("created_at", "id"))
    ).order_by("forecast_date", "name")


def setup_kpis() -> QuerySet[Kpi]:
    """Every KPI, archived ones too, with strand, owner and readings."""
    return Kpi.objects.select_related("strand", "owner").prefetch_related(
        Prefetch("readings", queryset=KpiReading.objects.order_by("date", "kind"))
    ).order_by("order", "name")


def kpi_computed_value(kpi: Kpi, *, on: dt.date | None = None) -> Decimal | None:
    """The reading of a measure the tracker holds, computed by the selector the cohort and
    programme pages use, as at `on` (default: the end of the reporting month); None for a typed KPI.
    """
    if not kpi.measure:
        return None
    year, period = reporting_month()
    if on is None:
        on = period_end(year, period)
    else:
        year, period = FinancialYear.containing(on), period_of(on)
    if kpi.measure == Kpi.Measure.SAVINGS_DELIVERED:
        summary = programme_summary(year=year, period=period)
        pence = summary["delivered_pence"]
        if kpi.strand_id:
            pence = next((s["delivered_pence"] for s in summary["strands"]
                          if s["slug"] == kpi.strand.slug), 0)
        return to_pounds(pence)
    from programme.selectors.raid import kpi_measure
    from send_tracker import measures

    value = measures.value(kpi_measure(kpi), on=on)
    return None if value is None else Decimal(str(value))
    return None
