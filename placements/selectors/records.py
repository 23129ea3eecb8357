"""Child-level reads: placements, invoices, decisions, overpayment flags (finance, admin)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Prefetch, QuerySet, Sum, Window

from placements.codes import PROVISION_TYPE_LABELS
from placements.models import (
    Assessment,
    Comparator,
    Invoice,
    OverpaymentFlag,
    OverpaymentScan,
    Placement,
    PlacementDecision,
    PlacementOption,
    Provider,
)
from send_tracker.dataversion import cached_selector
from send_tracker.fiscal import FinancialYear
from send_tracker.money import round_half_up


def provider_list() -> QuerySet[Provider]:
    """Providers in name order."""
    return Provider.objects.order_by("name", "id")


def placement_list() -> QuerySet[Placement]:
    """Placements with their child's and provider's refs, in reference order.

    As `invoice_list`: only the columns the API shows, the refs as annotations rather than
    joined child and provider rows."""
    return (
        Placement.objects.only("ref", "provision_type", "start_date", "end_date",
                               "annual_cost_pence", "health_pct", "social_care_pct", "status")
        .annotate(child_ref=F("child__ref"), provider_ref=F("provider__ref"))
        .order_by("ref", "id")
    )


def assessment_list() -> QuerySet[Assessment]:
    """Assessments with their child, oldest request first."""
    return Assessment.objects.select_related("child").order_by("request_date", "id")


def invoice_list() -> QuerySet[Invoice]:
    """Invoices with their provider's and placement's refs, by service period.

    Only the columns the API shows are read, and the two refs come as annotations rather than
    joined rows: building 50 invoices, providers and placements with every column (audit
    columns, costs, names) took half the time of a page of the list."""
    return (
        Invoice.objects.only("ref", "period_start", "period_end", "amount_pence", "paid_date",
                             "status")
        .annotate(provider_ref=F("provider__ref"), placement_ref=F("placement__ref"))
        .order_by("period_start", "ref", "id")
    )


def decision_list() -> QuerySet[PlacementDecision]:
    """Decisions with child, decider and options, newest panel last."""
    return (
        PlacementDecision.objects.select_related("child", "decided_by")
        .prefetch_related(Prefetch("options", queryset=PlacementOption.objects.order_by("id")))
        .order_by("panel_date", "id")
    )


@cached_selector  # once per data version; each caller its own copy of the decisions
def decisions_in_year(*, year: FinancialYear) -> list[PlacementDecision]:
    """A year's decisions in panel order, each with `running_total_pence` of savings so far."""
    running = Window(Sum("saving_pence"), order_by=[F("panel_date").asc(), F("id").asc()])
    return list(
        decision_list()
        .filter(panel_date__gte=year.start, panel_date__lte=year.end)
        .annotate(running_total_pence=running)
    )


def decision_years() -> list[FinancialYear]:
    """Financial years that have decisions, newest first."""
    dates = PlacementDecision.objects.dates("panel_date", "month", order="DESC")
    return sorted({FinancialYear.containing(d) for d in dates}, reverse=True)


def comparator_list() -> list[Comparator]:
    """Active comparators in display order."""
    return list(Comparator.objects.filter(active=True).order_by("order", "name"))


def equivalents(*, saving_pence: int, comparators: list[Comparator]) -> list[dict]:
    """What a saving would pay for: 'equivalent to 2.5 public health nurses'."""
    if saving_pence <= 0:
        return []
    result = []
    for comparator in comparators:
        units = round_half_up(Decimal(saving_pence) / comparator.annual_cost_pence, 1)
        if units < Decimal("0.1"):
            continue
        name = comparator.name if units == 1 or not comparator.plural else comparator.plural
        shown = f"{units:.1f}".removesuffix(".0")
        result.append({"units": units, "text": f"{shown} {name}", "comparator": comparator})
    return result


def overpayment_flags(*, status: str | None = None) -> QuerySet[OverpaymentFlag]:
    """Flags with their invoice, provider and placement; open first by default."""
    flags = OverpaymentFlag.objects.select_related(
        "invoice", "invoice__provider", "invoice__placement", "reviewed_by"
    ).order_by("-found_at", "id")
    if status:
        flags = flags.filter(status=status)
    return flags


# What the review queue's table (templates/placements/overpayments.html) shows of each flag.
QUEUE_COLUMNS = ("id", "rule", "detail", "amount_pence", "status", "found_at", "note")
QUEUE_INVOICE_COLUMNS = {
    "invoice_ref": F("invoice__ref"), "provider_name": F("invoice__provider__name"),
    "placement_ref": F("invoice__placement__ref"),
    "child_ref": F("invoice__placement__child__ref"),
    "provision_type": F("invoice__placement__provision_type"),
    "paid_date": F("invoice__paid_date"), "period_start": F("invoice__period_start"),
    "period_end": F("invoice__period_end"), "invoice_amount_pence": F("invoice__amount_pence"),
}
_RULE_LABELS = dict(OverpaymentFlag.Rule.choices)
_STATUS_LABELS = dict(OverpaymentFlag.Status.choices)


def overpayment_queue_rows(flags: QuerySet[OverpaymentFlag]) -> QuerySet[dict[str, Any]]:
    """The flags as plain rows of the columns the review queue shows (see `overpayment_queue_row`
    for their labels): no model instances to build for a table of text."""
    return flags.select_related(None).values(*QUEUE_COLUMNS, **QUEUE_INVOICE_COLUMNS)


def overpayment_queue_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row of `overpayment_queue_rows` with its check's and outcome's labels."""
    return {**row, "rule_label": _RULE_LABELS.get(row["rule"], row["rule"]),
            "status_label": _STATUS_LABELS.get(row["status"], row["status"]),
            "setting_label": PROVISION_TYPE_LABELS.get(row["provision_type"] or "",
                                                       row["provision_type"] or "")}


@cached_selector
def overpayment_by_status() -> dict[str, dict[str, int]]:
    """Status → number of flags and pence thought overpaid, every status present. One query,
    once per data version."""
    summary = {status.value: {"count": 0, "total": 0} for status in OverpaymentFlag.Status}
    rows = (OverpaymentFlag.objects.values("status")
            .annotate(count=Count("id"), total=Sum("amount_pence")).order_by())
    for row in rows:
        summary[row["status"]] = {"count": row["count"], "total": int(row["total"] or 0)}
    return summary


def overpayment_totals() -> dict[str, int]:
    """Status → pence thought overpaid on flagged invoices (open, recovered, valid, written_off)."""
    return {status: row["total"] for status, row in overpayment_by_status().items()}


@cached_selector
def latest_overpayment_scan() -> OverpaymentScan | None:
    """The newest scan, finished or not (read once per data version: a scan's start and end
    are commits that move it on)."""
    return OverpaymentScan.objects.order_by("-started_at").first()


@cached_selector
def latest_placement_date() -> dt.date | None:
    """The newest placement start in the placements extract: how recent it is."""
    return Placement.objects.aggregate(latest=Max("start_date"))["latest"]


@cached_selector
def latest_invoice_date() -> dt.date | None:
    """The end of the newest period invoiced: how recent the invoices extract is."""
    return Invoice.objects.aggregate(latest=Max("period_end"))["latest"]
