"""Savings reads: strand and programme sums of the latest submitted updates, targets, trends."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from programme.models import ProgressUpdate, Rag, SavingsTarget, Strand
from send_tracker.dataversion import cached_selector
from send_tracker.fiscal import PERIODS, FinancialYear, period_of
from send_tracker.rag import NO_TARGET

# A strand is amber while its forecast covers at least this share of its target, red below.
AMBER_FROM_PCT = 90


def strand_rag(*, target_pence: int, forecast_pence: int, delivered_pence: int) -> str:
    """Blue: target delivered; green: forecast meets it; amber: within 10%; else red; with no
    target, NO_TARGET."""
    if target_pence <= 0:
        return NO_TARGET
    if delivered_pence >= target_pence:
        return Rag.BLUE.value
    if forecast_pence >= target_pence:
        return Rag.GREEN.value
    if forecast_pence * 100 >= target_pence * AMBER_FROM_PCT:
        return Rag.AMBER.value
    return Rag.RED.value


def latest_submitted_updates(
    *, year: FinancialYear, period: int, strand_id: int | None = None
) -> QuerySet[ProgressUpdate]:
    """Each project's latest submitted update of the year at or before the period (no drafts)."""
    qs = ProgressUpdate.objects.filter(
        year=year.start_year, period__lte=period, status=ProgressUpdate.Status.SUBMITTED,
        project__strand__active=True,
    )
    if strand_id is not None:
        qs = qs.filter(project__strand_id=strand_id)
    # PostgreSQL DISTINCT ON: the first row per project in (project, period desc) order.
    return qs.order_by("project_id", "-period").distinct("project_id")


def _split_targets(rows) -> tuple[int | None, dict[int, int], dict[int, int]]:
    """(programme target or None, strand id → own target, strand id → Σ its project targets)
    from (strand id, project id, project's strand id, amount) rows of one year."""
    programme: int | None = None
    by_strand: dict[int, int] = {}
    by_strand_projects: dict[int, int] = defaultdict(int)
    for strand_id, project_id, project_strand_id, amount in rows:
        if project_id:
            by_strand_projects[project_strand_id] += amount
        elif strand_id:
            by_strand[strand_id] = amount
        else:
            programme = amount
    return programme, by_strand, dict(by_strand_projects)


_TARGET_COLUMNS = ("strand_id", "project_id", "project__strand_id", "amount_pence")


def _targets(year: FinancialYear) -> tuple[int | None, dict[int, int], dict[int, int]]:
    """(programme target or None, strand id → target, strand id → Σ its project targets)."""
    return _split_targets(
        SavingsTarget.objects.filter(year=year.start_year).values_list(*_TARGET_COLUMNS)
    )


def targets_by_year() -> dict[int, dict[str, Any]]:
    """Start year → {"programme": row or None, "strands": strand id → its target (own row,
    else Σ its projects'), "allocated": Σ of those}; every strand, active or not. One query."""
    rows: dict[int, list] = defaultdict(list)
    for year, *row in SavingsTarget.objects.values_list("year", *_TARGET_COLUMNS):
        rows[year].append(row)
    result = {}
    for year in sorted(rows):
        programme, own, projects = _split_targets(rows[year])
        strands = {**projects, **own}
        result[year] = {"programme": programme, "strands": strands,
                        "allocated": sum(strands.values())}
    return result


@cached_selector  # once per data version, not per page
def programme_summary(*, year: FinancialYear, period: int) -> dict[str, Any]:
    """Each active strand's target, forecast, delivered, shortfall and RAG, and the programme's.

    A strand's target is its own target row, else the sum of its projects' targets. The
    programme target is the programme-level row, else the strands' sum; the difference
    between the two is unallocated. Three queries whatever the number of projects.
    """
    programme_target, strand_targets, project_targets = _targets(year)
    forecast: dict[int, int] = defaultdict(int)
    delivered: dict[int, int] = defaultdict(int)
    for strand_id, f, d in latest_submitted_updates(year=year, period=period).values_list(
        "project__strand_id", "forecast_pence", "delivered_pence"
    ):
        forecast[strand_id] += f
        delivered[strand_id] += d
    strands = []
    for strand in Strand.objects.filter(active=True).order_by("order", "name"):
        target = strand_targets.get(strand.pk, project_targets.get(strand.pk, 0))
        strands.append({
            "name": strand.name,
            "slug": strand.slug,
            "target_pence": target,
            "forecast_pence": forecast[strand.pk],
            "delivered_pence": delivered[strand.pk],
            "shortfall_pence": target - forecast[strand.pk],
            "rag": strand_rag(target_pence=target, forecast_pence=forecast[strand.pk],
                              delivered_pence=delivered[strand.pk]),
        })
    allocated = sum(s["target_pence"] for s in strands)
    total_target = allocated if programme_target is None else programme_target
    total_forecast = sum(s["forecast_pence"] for s in strands)
    total_delivered = sum(s["delivered_pence"] for s in strands)
    return {
        "year": year.label,
        "period": period,
        "strands": strands,
        "target_pence": total_target,
        "forecast_pence": total_forecast,
        "delivered_pence": total_delivered,
        "shortfall_pence": total_target - total_forecast,
        "unallocated_pence": total_target - allocated,
    }


_programme_summary = programme_summary  # savings_forecast_at's parameter shadows the name


def savings_forecast_at(*, on: dt.date, programme_summary: dict | None = None) -> int:
    """The programme's savings forecast for the financial year of a period end, as reported
    for that period (the measure `savings_forecast`); `programme_summary`: that period's, where
    the caller holds it."""
    summary = programme_summary or _programme_summary(year=FinancialYear.containing(on),
                                                      period=period_of(on))
    return summary["forecast_pence"]


@cached_selector  # once per data version, not per page
def programme_targets_by_year() -> dict[int, int]:
    """Start year → the programme's cumulative in-year savings target T(y) in pence.

    The programme-level row where there is one, else the sum of the strands' targets (a
    strand's own row, else the sum of its projects', as programme_summary reads them).
    """
    return {year: row["allocated"] if row["programme"] is None else row["programme"]
            for year, row in targets_by_year().items()}


@cached_selector  # once per data version, not per page
def latest_submitted_period() -> tuple[FinancialYear, int] | None:
    """The latest (year, period) with any submitted update, or None when there is none."""
    row = (
        ProgressUpdate.objects.filter(status=ProgressUpdate.Status.SUBMITTED)
        .order_by("-year", "-period").values_list("year", "period").first()
    )
    return (FinancialYear(row[0]), row[1]) if row else None


# Each submitted update's change against the same project's previous submitted update of
# the year; summing the changes up to period p gives Σ projects' latest figures at p.
_MONTHLY_DELTAS_SQL = """
SELECT period, SUM(forecast_change), SUM(delivered_change)
FROM (
    SELECT u.period,
           u.forecast_pence - COALESCE(LAG(u.forecast_pence) OVER w, 0) AS forecast_change,
           u.delivered_pence - COALESCE(LAG(u.delivered_pence) OVER w, 0) AS delivered_change
    FROM programme_progressupdate u
    JOIN programme_project p ON p.id = u.project_id
    JOIN programme_strand s ON s.id = p.strand_id
    WHERE u.year = %(year)s AND u.status = 'submitted' AND s.active
      AND (%(strand)s::bigint IS NULL OR p.strand_id = %(strand)s::bigint)
    WINDOW w AS (PARTITION BY u.project_id ORDER BY u.period)
) changes
GROUP BY period
"""


@cached_selector  # once per data version, not per page
def monthly_forecast(*, year: FinancialYear, strand_id: int | None = None) -> list[dict[str, Any]]:
    """P1..P12: forecast and delivered as reported at each period (None after the last one).

    A project that did not report in a period carries its previous submitted figures forward.
    One query returning at most 12 rows, whatever the number of projects.
    """
    with connection.cursor() as cursor:
        cursor.execute(_MONTHLY_DELTAS_SQL, {"year": year.start_year, "strand": strand_id})
        changes = {period: (int(f), int(d)) for period, f, d in cursor.fetchall()}
    last = max(changes, default=0)
    rows, forecast, delivered = [], 0, 0
    for p in PERIODS:
        f, d = changes.get(p, (0, 0))
        forecast, delivered = forecast + f, delivered + d
        rows.append({
            "period": p,
            "forecast_pence": forecast if p <= last else None,
            "delivered_pence": delivered if p <= last else None,
        })
    return rows


@cached_selector(share=True)
def strand_target(*, strand_id: int, year: FinancialYear) -> int:
    """A strand's savings target for a year: its own, else the sum of its projects' (one
    query)."""
    own: int | None = None
    projects = 0
    rows = SavingsTarget.objects.filter(year=year.start_year).filter(
        Q(strand_id=strand_id) | Q(project__strand_id=strand_id)
    ).values_list("project_id", "amount_pence")
    for project_id, amount in rows:
        if project_id:
            projects += amount
        else:
            own = amount
    return projects if own is None else own


def strand_figures(
    *, strand: Strand, year: FinancialYear, period: int, updates: list[dict[str, Any]]
) -> dict[str, Any]:
    """One strand's line of programme_summary, from its latest updates already read (rows of
    strand_projects; the target cached)."""
    target = strand_target(strand_id=strand.pk, year=year)
    forecast = sum(u["forecast_pence"] for u in updates)
    delivered = sum(u["delivered_pence"] for u in updates)
    return {
        "name": strand.name, "slug": strand.slug, "target_pence": target,
        "forecast_pence": forecast, "delivered_pence": delivered,
        "shortfall_pence": target - forecast,
        "rag": strand_rag(target_pence=target, forecast_pence=forecast, delivered_pence=delivered),
    }
