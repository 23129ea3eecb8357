"""RAID and KPI reads: the filtered log, the likelihood × impact matrix, top risks, KPI trends."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Max, Prefetch, QuerySet

from programme.charts import kpi_chart
from programme.models import Kpi, KpiReading, RaidItem, Strand
from programme.selectors.setup import kpi_computed_value
from send_tracker import measures
from send_tracker.charts import Chart
from send_tracker.dataversion import cached_selector
from send_tracker.permissions import person_name
from send_tracker.reporting import reporting_month_end

# Score bands, named in words so a matrix cell never relies on colour.
BANDS = ((15, "high"), (8, "medium"), (1, "low"))


def score_band(score: int | None) -> str:
    """`high` (15–25), `medium` (8–14) or `low` (1–7)."""
    if not score:
        return ""
    return next(word for floor, word in BANDS if score >= floor)


def raid_items(
    *, kind: str = "", status: str = "", strand_id: int | None = None, owner_id: int | None = None,
) -> QuerySet[RaidItem]:
    """RAID items by score (highest first), filtered; related rows joined, not queried per item."""
    qs = RaidItem.objects.select_related("strand", "owner").order_by(
        "-score", "-residual_score", "title"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if strand_id:
        qs = qs.filter(strand_id=strand_id)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    return qs


# What the RAID table (templates/programme/_raid_table.html) shows of each item.
RAID_TABLE_COLUMNS = (
    "id", "kind", "title", "converted_at", "strand_id", "likelihood", "impact", "score",
    "residual_score", "mitigation", "status", "review_date",
)
RAID_TABLE_RELATED = {
    "strand_name": F("strand__name"), "owner_first_name": F("owner__first_name"),
    "owner_last_name": F("owner__last_name"), "owner_username": F("owner__username"),
}
_KIND_LABELS = dict(RaidItem.Kind.choices)
_STATUS_LABELS = dict(RaidItem.Status.choices)


def raid_table_rows(items: QuerySet[RaidItem]) -> QuerySet[dict[str, Any]]:
    """The items as plain rows of the columns the RAID table shows (`raid_table_row` gives them
    their labels): no model instances to build for a table of text."""
    return items.select_related(None).values(*RAID_TABLE_COLUMNS, **RAID_TABLE_RELATED)


def raid_table_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row of `raid_table_rows` with its type's and status's labels and its owner's name."""
    return {**row, "kind_label": _KIND_LABELS.get(row["kind"], row["kind"]),
            "status_label": _STATUS_LABELS.get(row["status"], row["status"]),
            "owner_name": person_name(row["owner_first_name"], row["owner_last_name"],
                                  row["owner_username"])}


@cached_selector(share=True)
def strand_raid_table(*, strand_id: int) -> list[dict[str, Any]]:
    """A strand's items (a few, not the paginated log) as rows of the RAID table, by score."""
    return [raid_table_row(row) for row in raid_table_rows(raid_items(strand_id=strand_id))]


@cached_selector
def raid_log_page(
    offset: int, limit: int, *, kind: str = "", status: str = "", strand_id: int | None = None,
    owner_id: int | None = None,
) -> list[dict[str, Any]]:
    """One page of the RAID log's rows (`paginate`'s page reader), labelled, once per data
    version and filters."""
    items = raid_items(kind=kind, status=status, strand_id=strand_id, owner_id=owner_id)
    return [raid_table_row(row) for row in raid_table_rows(items)[offset:offset + limit]]


@cached_selector
def raid_filter_choices() -> dict[str, list[tuple[int, str]]]:
    """The RAID log's filter options as (id, name): the active strands, and the people who own
    an item. Read once per data version (they change when strands, items or users do)."""
    strands = Strand.objects.filter(active=True).order_by("order", "name")
    owners = (get_user_model().objects.filter(raid_items__isnull=False).distinct()
              .order_by("first_name", "username"))
    return {
        "strands": list(strands.values_list("pk", "name")),
        "owners": [(pk, person_name(first, last, username)) for pk, first, last, username
                   in owners.values_list("pk", "first_name", "last_name", "username")],
    }


@cached_selector
def raid_log_matrix(
    *, kind: str = "", status: str = "", strand_id: int | None = None, owner_id: int | None = None,
) -> list[dict[str, Any]]:
    """`raid_matrix` of every item the RAID log's filters select, once per data version."""
    return raid_matrix(raid_items(kind=kind, status=status, strand_id=strand_id,
                                  owner_id=owner_id))


def raid_matrix_total(matrix: list[dict[str, Any]]) -> int:
    """How many items a matrix from `raid_matrix` counts (every filtered item once)."""
    return sum(cell["count"] for row in matrix for cell in row["cells"])


def raid_matrix(items: QuerySet[RaidItem]) -> list[dict[str, Any]]:
    """Counts per likelihood × impact cell, likelihood 5 (top row) down to 1. One query."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for likelihood, impact in items.order_by().values_list("likelihood", "impact"):
        counts[(likelihood, impact)] += 1
    return [
        {
            "likelihood": likelihood,
            "cells": [
                {"impact": impact, "count": counts[(likelihood, impact)],
                 "score": likelihood * impact, "band": score_band(likelihood * impact)}
                for impact in range(1, 6)
            ],
        }
        for likelihood in range(5, 0, -1)
    ]


def top_risks(*, limit: int = 5) -> list[dict[str, Any]]:
    """The open risks and issues with the highest scores, as plain dicts for the board."""
    qs = (
        raid_items()
        .filter(kind__in=[RaidItem.Kind.RISK, RaidItem.Kind.ISSUE])
        .exclude(status=RaidItem.Status.CLOSED)[:limit]
    )
    return [
        {
            "id": item.pk,
            "kind": item.kind,
            "title": item.title,
            "strand": item.strand.name,
            "strand_slug": item.strand.slug,
            "owner": (item.owner.get_full_name() or item.owner.get_username())
            if item.owner else "",
            "likelihood": item.likelihood,
            "impact": item.impact,
            "score": item.score,
            "band": score_band(item.score),
            "residual_score": item.residual_score,
            "mitigation": item.mitigation,
            "status": item.status,
            "review_date": item.review_date,
        }
        for item in qs
    ]


def kpis_with_readings(*, strand_id: int | None = None) -> list[Kpi]:
    """Active KPIs (archived ones are kept, not shown) with their readings in date order,
    prefetched (two queries)."""
    qs = Kpi.objects.filter(active=True).select_related("strand").prefetch_related(
        Prefetch("readings", queryset=KpiReading.objects.order_by("date", "kind"))
    )
    if strand_id is not None:
        qs = qs.filter(strand_id=strand_id)
    return list(qs.order_by("order", "name"))


def _on_track(kpi: Kpi, value: Decimal, milestone: Decimal | None) -> bool | None:
    goal = milestone if milestone is not None else kpi.target_value
    return value >= goal if kpi.higher_is_better else value <= goal


# KPIs the tracker itself holds: their actuals are computed by the registry of measures
# (send_tracker/measures.py), never typed, so the KPI page agrees with the cohort page.
# A KPI's `measure` (set up in the browser) -> the registry measure that computes it
# (send_tracker.measures): one definition of each figure wherever it is shown.
REGISTRY_OF_KPI_MEASURE = {
    Kpi.Measure.PLANS: "plans",
    Kpi.Measure.WITHIN_20_WEEKS: "pc_issued_within_20_weeks_rolling_12_months",
    Kpi.Measure.BACKLOG: "backlog_over_16_weeks",
    Kpi.Measure.AVG_COST: "avg_cost_per_plan",
}
# How often a held KPI's history is computed back to its baseline (months).
HELD_CADENCE_MONTHS = 3


def kpi_measure(kpi: Kpi) -> str:
    """The registry code of the measure a KPI reads, or '' for a KPI with typed actuals (or one
    computed outside the registry: savings delivered, programme.selectors.kpi_computed_value)."""
    return REGISTRY_OF_KPI_MEASURE.get(kpi.measure, "")


def _quarter_ends(on: date, since: date) -> list[date]:
    """`on` and every HELD_CADENCE_MONTHS-th month end before it, after `since` (oldest first)."""
    days = [on]
    while True:
        year, month = days[-1].year, days[-1].month - HELD_CADENCE_MONTHS
        if month < 1:
            year, month = year - 1, month + 12
        day = date(year, month, calendar.monthrange(year, month)[1])
        if day <= since:
            return list(reversed(days))
        days.append(day)


@cached_selector(share=True)  # a measure at each quarter end: once per data version
def _measure_series(code: str, days: tuple[date, ...]) -> list:
    return measures.series(code, dates=list(days))


def kpi_actuals(kpi: Kpi, *, on: date | None = None) -> list[tuple[date, Decimal]]:
    """A KPI's actuals up to a date, oldest first: its typed readings, or for a measure the
    tracker holds the registry's value at the date and each quarter end since the baseline."""
    code = kpi_measure(kpi)
    as_at = on or reporting_month_end()
    if kpi.measure and not code:  # computed, but not by a registry measure (savings delivered)
        value = kpi_computed_value(kpi, on=as_at)
        return [] if value is None else [(as_at, value)]
    if not code:
        return [(r.date, r.value) for r in kpi.readings.all()
                if r.kind == KpiReading.Kind.ACTUAL and (on is None or r.date <= on)]
    days = _quarter_ends(as_at, kpi.baseline_date)
    values = _measure_series(code, tuple(days))
    series = [(day, value) for day, value in zip(days, values, strict=True) if value is not None]
    return [(day, Decimal(str(value))) for day, value in series]


def kpi_latest(*, on: date | None = None) -> list[dict[str, Any]]:
    """Each KPI's baseline, target, latest actual and the milestone target due by then.

    `on`: as at that date (a board summary's period end): readings dated later are left out.
    A KPI the tracker holds (its `measure`) is computed as at `on`, else the reporting month.
    """
    result = []
    for kpi in kpis_with_readings():
        actuals = kpi_actuals(kpi, on=on)
        latest = actuals[-1] if actuals else None
        previous = actuals[-2] if len(actuals) > 1 else None
        milestone = None
        if latest is not None:
            due = [r for r in kpi.readings.all()
                   if r.kind == KpiReading.Kind.MILESTONE and r.date <= latest[0]]
            milestone = due[-1] if due else None
        result.append({
            "name": kpi.name,
            "slug": kpi.slug,
            "unit": kpi.unit,
            "measure": kpi_measure(kpi),
            "strand": kpi.strand.name if kpi.strand else "",
            "higher_is_better": kpi.higher_is_better,
            "baseline_value": kpi.baseline_value,
            "baseline_date": kpi.baseline_date,
            "target_value": kpi.target_value,
            "target_date": kpi.target_date,
            "latest_value": latest[1] if latest else None,
            "latest_date": latest[0] if latest else None,
            "previous_value": previous[1] if previous else None,
            "milestone_value": milestone.value if milestone else None,
            "on_track": _on_track(kpi, latest[1], milestone.value if milestone else None)
            if latest else None,
        })
    return result


@cached_selector(share=True)  # built once per data version and reporting month
def kpi_charts(*, strand_id: int | None, as_at: date) -> list[Chart]:
    """The trend chart of each active KPI (of a strand, or all), in the KPI list's order.

    The held KPIs are computed as at the reporting month, which a period close moves: `as_at`
    (`reporting_month_end()`) is an argument so that it keys the cache."""
    return [kpi_chart(kpi, kpi_actuals(kpi)) for kpi in kpis_with_readings(strand_id=strand_id)]


@cached_selector
def latest_kpi_actual_date() -> date | None:
    """The date of the newest KPI actual entered: how recent the KPI figures are."""
    return KpiReading.objects.filter(kind=KpiReading.Kind.ACTUAL).aggregate(
        latest=Max("date"))["latest"]
