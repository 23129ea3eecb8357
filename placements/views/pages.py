"""Pages of the placements app: thin views over selectors and services."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from placements import charts, selectors, services
from placements.codes import PROVISION_TYPE_LABELS
from placements.forms import CohortDateForm, DecisionForm, FlagReviewForm
from send_tracker import measures
from send_tracker.charts import chart_csv_response
from send_tracker.fiscal import period_end
from send_tracker.forms import service_errors
from send_tracker.history import item_history
from send_tracker.permissions import capability_required
from send_tracker.reporting import reporting_month
from send_tracker.yearperiod import year_period_from

logger = logging.getLogger(__name__)

# The cohort's headline figures, from the registry of measures (send_tracker/measures.py).
COHORT_MEASURES = ["plans", "avg_cost_per_plan", "pc_issued_within_20_weeks_rolling_12_months",
                   "backlog_over_16_weeks"]


def _month_end_asked(request: HttpRequest):
    """The end of the month chosen with the pages' month query (`?year=2024-25&period=5`), so a
    link from another section's page for that month shows the cohort on the same date."""
    chosen = year_period_from(request)
    return period_end(chosen.year, chosen.period) if chosen.period_asked else None


@capability_required("view_aggregates")
def cohort(request: HttpRequest) -> HttpResponse:
    """The EHCP cohort: plans, placements, costs and timeliness (aggregates for every role)."""
    form = CohortDateForm(request.GET or None)
    on = form.cleaned_data["on"] if form.is_valid() and form.cleaned_data.get("on") else None
    # The newest placement date: the default date's bound and the "Latest placements" notice.
    placements_latest = selectors.latest_placement_date()
    on = on or _month_end_asked(request) or selectors.cohort_default_date(
        placements_latest=placements_latest)
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
            "placements_latest": placements_latest,
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
    # The reporting month's year, as every page.
    chosen = year_period_from(request, default=(reporting_month()[0], 12), year_only=True)
    year = chosen.year
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
            "chosen": chosen,
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
            "history": item_history(decision, limit=20),
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
