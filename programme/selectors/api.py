"""Querysets of the programme API: related rows joined so a list costs a fixed number of queries."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet

from programme.models import (
    Kpi,
    KpiReading,
    Milestone,
    ProgressUpdate,
    Project,
    RaidItem,
    SavingsTarget,
    Strand,
)


def strand_list() -> QuerySet[Strand]:
    """Every strand with its lead and deputies."""
    return Strand.objects.select_related("lead").prefetch_related("deputies").order_by(
        "order", "name")


def project_list() -> QuerySet[Project]:
    """Every project with its strand and lead."""
    return Project.objects.select_related("strand", "lead").order_by("strand__order", "name", "pk")


def target_list() -> QuerySet[SavingsTarget]:
    """Every savings target (programme, strand and project level)."""
    return SavingsTarget.objects.select_related("strand").order_by("year", "strand__order", "pk")


def progress_update_list() -> QuerySet[ProgressUpdate]:
    """Every progress update, drafts included, with its strand's slug and author's username.

    Only the columns ProgressUpdateSerializer reads; the slug and username come as annotations
    rather than joined project, strand and user rows (as `placements.selectors.invoice_list`)."""
    return (
        ProgressUpdate.objects.only(
            "id", "project_id", "year", "period", "forecast_pence", "delivered_pence",
            "confidence", "commentary", "author_id", "status", "submitted_at", "version",
        )
        .annotate(strand_slug=F("project__strand__slug"), author_username=F("author__username"))
        .order_by("-year", "-period", "project_id")
    )


def milestone_list() -> QuerySet[Milestone]:
    """Every milestone with its project and strand."""
    return Milestone.objects.select_related("project__strand").order_by("forecast_date", "pk")


def raid_list() -> QuerySet[RaidItem]:
    """Every RAID item, highest score first."""
    return RaidItem.objects.select_related("strand", "owner").order_by("-score", "pk")


def kpi_reading_list() -> QuerySet[KpiReading]:
    """Every KPI reading and milestone target, by KPI and date."""
    return KpiReading.objects.select_related("kpi").order_by("kpi__order", "kpi_id", "date",
                                                             "kind")


def kpi_list() -> QuerySet[Kpi]:
    """Every KPI with its readings in date order."""
    return Kpi.objects.select_related("strand", "owner").prefetch_related(
        Prefetch("readings", queryset=KpiReading.objects.order_by("date", "kind"))
    ).order_by("order", "name")
