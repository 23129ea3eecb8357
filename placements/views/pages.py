"""Pages of the placements app: thin views over selectors and services."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from placements import charts, selectors, services
from placements.codes import PROVISION_TYPE_LABELS
from placements.forms import CohortDateForm, DecisionForm, FlagReviewForm
from placements.models import OverpaymentFlag
from send_tracker import measures
from send_tracker.charts import chart_csv_response
from send_tracker.fiscal import FinancialYear
from send_tracker.forms import service_errors
from send_tracker.paging import paginate
from send_tracker.permissions import capability_required

logger = logging.getLogger(__name__)

# The cohort's headline figures, from the registry of measures (send_tracker/measures.py).
COHORT_MEASURES = ["plans", "avg_cost_per_plan", "pc_issued_within_20_weeks_rolling_12_months",
                   "backlog_over_16_weeks"]


@capability_required("view_aggregates")
def cohort(request: HttpRequest) -> HttpResponse:
    """The EHCP cohort: plans, placements, costs and timeliness (aggregates for every role)."""
    form = CohortDateForm(request.GET or None)
    on = form.cleaned_data["on"] if form.is_valid() and form.cleaned_data.get("on") else None
    on = on or selectors.cohort_default_date()
    data = selectors.cohort_overview(on=on)
    summary = data["summary"]
    by_type = summary["placements_by_provision_type"]
    page_charts = charts.cohort_charts(series=data["series"], by_type=by_type, on=on)
    csv = chart_csv_response(request, page_charts)
    if csv is not None:
        return csv
    return render(
        request,
        "placements/cohort.html",
        {
            "form": form,
            "on": on,
            "summary": summary,
            "m": measures.values(COHORT_MEASURES, on=on, cohort_summary=summary),
            "placements_total": sum(v["count"] for v in by_type.values()),
            "inmss": data["inmss"],
            "county": data["county"],
            "issued": data["issued"],
            "projection": [
                {**row, "label": PROVISION_TYPE_LABELS.get(row["code"], row["code"])}
                for row in data["projection"]
            ],
            "charts": page_charts,
        },
    )


@capability_required("view_child_level")
def decisions(request: HttpRequest) -> HttpResponse:
    """The log of placement decisions in a year, with each saving and the running total."""
    years = selectors.decision_years()
    try:
        year = FinancialYear.parse(request.GET["year"]) if request.GET.get("year") else None
    except ValueError:
        year = None
    year = year or (years[0] if years else FinancialYear.containing(timezone.localdate()))
    rows = selectors.decisions_in_year(year=year)
    total = rows[-1].running_total_pence if rows else 0
    comparators = selectors.comparator_list()
    panel_days: dict = {}
    for row in rows:
        panel_days.setdefault(row.panel_date, []).append(row)
    biggest_day = max(
        panel_days.items(), key=lambda item: sum(d.saving_pence for d in item[1]), default=None
    )
    biggest = None
    if biggest_day:
        day_total = sum(d.saving_pence for d in biggest_day[1])
        biggest = {
            "date": biggest_day[0],
            "count": len(biggest_day[1]),
            "saving": day_total,
            "equivalents": selectors.equivalents(saving_pence=day_total, comparators=comparators),
        }
    return render(
        request,
        "placements/decisions.html",
        {
            "year": year,
            "years": years,
            "rows": rows,
            "total": total,
            "equivalents": selectors.equivalents(saving_pence=total, comparators=comparators),
            "biggest": biggest,
        },
    )


@capability_required("view_child_level")
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One decision: its options, the saving, what it is equivalent to, and its history."""
    decision = get_object_or_404(selectors.decision_list(), pk=pk)
    return render(
        request,
        "placements/decision_detail.html",
        {
            "decision": decision,
            "options": list(decision.options.all()),
            "equivalents": selectors.equivalents(
                saving_pence=decision.saving_pence, comparators=selectors.comparator_list()
            ),
            "history": decision.history.select_related("history_user").order_by("-history_date")[
                :20
            ],
        },
    )


@capability_required("record_placement_decision")
def decision_new(request: HttpRequest) -> HttpResponse:
    """Record a panel decision."""
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.placement_decision_record(
                panel_date=data["panel_date"],
                child=data["child"],
                options=[services.OptionInput(**option) for option in data["options"]],
                chosen_index=data["chosen_index"],
                notes=data.get("notes", ""),
                user=request.user,
            )
        except ValidationError as exc:
            for field, items in exc.message_dict.items():
                form.add_error("chosen" if field in ("chosen", "options") else None, items)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("placements:decision", pk=decision.pk)
    return render(request, "placements/decision_form.html", {"form": form})


@capability_required("review_overpayments")
def overpayments(request: HttpRequest) -> HttpResponse:
    """The review queue: flags by outcome (counts and totals over every flag), the chosen
    outcome's flags a page at a time, and the last scan."""
    status = request.GET.get("status", OverpaymentFlag.Status.OPEN)
    if status not in OverpaymentFlag.Status.values and status != "all":
        status = OverpaymentFlag.Status.OPEN
    by_status = selectors.overpayment_by_status()
    flags = selectors.overpayment_flags(status=None if status == "all" else status)
    count = sum(row["count"] for value, row in by_status.items() if status in ("all", value))
    page = paginate(request, selectors.overpayment_queue_rows(flags), query={"status": status},
                    count=count, row=selectors.overpayment_queue_row)
    return render(
        request,
        "placements/overpayments.html",
        {
            "page": page,
            "status": status,
            "statuses": [
                {"value": s.value, "label": s.label, **by_status[s.value]}
                for s in OverpaymentFlag.Status
            ],
            "scan": selectors.latest_overpayment_scan(),
        },
    )


@require_POST
@capability_required("review_overpayments")
def overpayments_scan(request: HttpRequest) -> HttpResponse:
    """Queue the overpayment checks now (the nightly run does the same)."""
    from placements.tasks import scan_overpayments

    try:
        scan_overpayments.delay()
    except Exception:  # noqa: BLE001 - a broker outage must not break the page
        logger.exception("could not queue the overpayment scan")
        messages.error(
            request,
            "The checks could not be queued: the task queue is not "
            "answering. Try again later; the nightly run will also pick them up.",
        )
    else:
        messages.success(
            request,
            "The overpayment checks are running. Refresh this page in a minute to see new flags.",
        )
    return redirect("placements:overpayments")


@capability_required("review_overpayments")
def overpayment_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one flag recovered, valid or written off, with a note."""
    flag = get_object_or_404(selectors.overpayment_flags(), pk=pk)
    form = FlagReviewForm(
        request.POST or None,
        initial={
            "status": flag.status if flag.status != "open" else None,
            "note": flag.note,
            "version": services.flag_version(flag),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.overpayment_flag_review(
                flag=flag,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                user=request.user,
                read_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            flag.refresh_from_db()
            service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Flag on invoice {flag.invoice.ref} marked {flag.get_status_display().lower()}.",
            )
            return redirect("placements:overpayments")
    return render(
        request,
        "placements/overpayment_review.html",
        {
            "flag": flag,
            "form": form,
            "history": flag.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )
