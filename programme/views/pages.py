"""Read pages of the programme: overview and its exports, strand, RAID log, KPIs, compliance."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from programme import charts, selectors, services
from programme.forms import RaidFilterForm
from programme.models import RaidItem
from programme.periods import reporting_period, update_deadline
from send_tracker import measures
from send_tracker.charts import chart_csv_response
from send_tracker.exports import Money, Sheet, csv_response, xlsx_response
from send_tracker.fiscal import period_choices, period_end
from send_tracker.forms import whole_number
from send_tracker.money import to_pounds
from send_tracker.paging import paginate
from send_tracker.permissions import (
    ADMIN,
    LEAD,
    can,
    can_edit_strand,
    capability_required,
    has_role,
)
from send_tracker.rag import RAG_WORDS
from send_tracker.reporting import reporting_month_end
from send_tracker.yearperiod import ChosenPeriod, year_period_from


def _overview_data(request: HttpRequest):
    chosen = year_period_from(request)
    summary = selectors.programme_summary(year=chosen.year, period=chosen.period)
    return chosen, summary


def _programme_rag(summary: dict) -> str:
    return selectors.strand_rag(
        target_pence=summary["target_pence"], forecast_pence=summary["forecast_pence"],
        delivered_pence=summary["delivered_pence"],
    )


@require_GET
@capability_required("view_aggregates")
def programme_overview(request: HttpRequest) -> HttpResponse:
    """Each strand's savings target, forecast and delivered for a year and period."""
    chosen, summary = _overview_data(request)
    monthly = selectors.monthly_forecast(year=chosen.year)
    page_charts = [
        charts.strand_savings_chart(summary),
        charts.monthly_forecast_chart(monthly, target_pence=summary["target_pence"],
                                      year_label=chosen.year.label),
    ]
    if (response := chart_csv_response(request, page_charts)) is not None:
        return response
    years = sorted(set(selectors.programme_targets_by_year()) | {chosen.year.start_year})
    return render(request, "programme/overview.html", {
        "my_missing": _my_missing_updates(request),
        "chosen": chosen,
        "summary": summary,
        "as_at": (as_at := period_end(chosen.year, chosen.period)),
        "m": measures.values(["savings_forecast"], on=as_at, programme_summary=summary),
        "programme_rag": _programme_rag(summary),
        "charts": page_charts,
        "year_choices": years,
        "period_choices": period_choices(),
    })


def _my_missing_updates(request: HttpRequest) -> dict | None:
    """For a lead: their projects still without a submitted update this reporting period."""
    if not has_role(request.user, LEAD) or has_role(request.user, ADMIN):
        return None
    year, period = reporting_period()
    strand_ids = [s.pk for s in selectors.editable_strands(request.user)]
    missing = selectors.missing_updates(year=year, period=period, strand_ids=strand_ids)
    return {"label": ChosenPeriod(year=year, period=period).label, "count": len(missing),
            "deadline": update_deadline(year, period)}


def _summary_rows(summary: dict) -> list[list]:
    rows = [[s["name"], s["target_pence"], s["forecast_pence"], s["delivered_pence"],
             s["shortfall_pence"], RAG_WORDS.get(s["rag"], s["rag"])] for s in summary["strands"]]
    rows.append(["Unallocated", summary["unallocated_pence"], None, None,
                 summary["unallocated_pence"], ""])
    rows.append(["Programme total", summary["target_pence"], summary["forecast_pence"],
                 summary["delivered_pence"], summary["shortfall_pence"],
                 RAG_WORDS.get(_programme_rag(summary), "")])
    return rows


SUMMARY_HEADERS = ["Strand", "Target (£)", "Forecast (£)", "Delivered (£)", "Shortfall (£)",
                   "RAG"]


@require_GET
@capability_required("view_aggregates")
def overview_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The overview table as CSV or Excel: pounds as numbers (Excel with a £ format)."""
    chosen, summary = _overview_data(request)
    rows = _summary_rows(summary)
    name = f"programme-summary-{chosen.year.slug}-p{chosen.period}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", SUMMARY_HEADERS,
                            [[r[0], *(to_pounds(v) for v in r[1:5]), r[5]] for r in rows])
    if fmt != "xlsx":
        raise Http404
    sheet = Sheet("Programme summary", SUMMARY_HEADERS,
                  [[r[0], *(Money(v) for v in r[1:5]), r[5]] for r in rows],
                  heading=f"SEND programme savings, {chosen.label}", bold_last_row=True)
    return xlsx_response(f"{name}.xlsx", [sheet])


@require_GET
@capability_required("view_aggregates")
def strand_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A strand: projects and latest updates, milestones, RAID, KPIs and change history."""
    strand = selectors.strand_with_people(slug)
    if strand is None:
        raise Http404
    chosen = year_period_from(request)
    kpi_charts = selectors.kpi_charts(strand_id=strand.pk, as_at=reporting_month_end())
    if (response := chart_csv_response(request, kpi_charts)) is not None:
        return response
    projects = selectors.strand_projects(strand=strand, year=chosen.year, period=chosen.period)
    figures = selectors.strand_figures(
        strand=strand, year=chosen.year, period=chosen.period,
        updates=[row["update"] for row in projects if row["update"]],
    )
    # Overdue is judged as at the end of the month shown (by default the reporting month),
    # never by the wall clock.
    as_at = period_end(chosen.year, chosen.period)
    return render(request, "programme/strand.html", {
        "strand": strand,
        "chosen": chosen,
        "figures": figures,
        "projects": projects,
        "milestones": selectors.strand_milestones(strand=strand, on=as_at),
        "raid": selectors.strand_raid_table(strand_id=strand.pk),
        "kpi_charts": kpi_charts,
        "history": selectors.strand_history(strand=strand),
        "can_edit": can_edit_strand(request.user, strand),
        "today": as_at,
    })


@require_GET
@capability_required("view_aggregates")
def raid_log(request: HttpRequest) -> HttpResponse:
    """The RAID log with filters, a likelihood × impact matrix of every filtered item, and the
    items themselves a page at a time."""
    choices = selectors.raid_filter_choices()
    form = RaidFilterForm(request.GET or None, strands=choices["strands"],
                          owners=choices["owners"])
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    chosen = {"kind": filters.get("kind") or "", "status": filters.get("status") or "",
              "strand_id": filters.get("strand"), "owner_id": filters.get("owner")}
    matrix = selectors.raid_log_matrix(**chosen)
    page = paginate(request, functools.partial(selectors.raid_log_page, **chosen),
                    query=filters, count=selectors.raid_matrix_total(matrix))
    editable = set(selectors.editable_strands(request.user).values_list("pk", flat=True))
    return render(request, "programme/raid.html", {
        "form": form,
        "page": page,
        "matrix": matrix,
        "chosen": chosen,
        "editable": editable,
    })


@require_POST
@capability_required("edit_programme")
def raid_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a risk that has happened into an issue (the item keeps its history)."""
    item = get_object_or_404(RaidItem.objects.select_related("strand"), pk=pk)
    try:
        services.raid_item_convert_to_issue(user=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{item.title}” is now an issue.")
    return redirect("programme:raid")


@require_GET
@capability_required("view_aggregates")
def kpi_page(request: HttpRequest) -> HttpResponse:
    """Every KPI: baseline, target, latest actual and milestone, with a trend chart each."""
    kpi_charts = selectors.kpi_charts(strand_id=None, as_at=reporting_month_end())
    if (response := chart_csv_response(request, kpi_charts)) is not None:
        return response
    latest = {row["slug"]: row for row in selectors.kpi_latest()}
    return render(request, "programme/kpis.html", {
        "rows": [{"kpi": k, "latest": latest[k.slug], "chart": c,
                  # the owner enters a typed KPI's readings; a computed one takes none
                  "record": not k.measure and services.can_record_kpi(request.user, k)}
                 for k, c in zip(selectors.kpis_with_readings(), kpi_charts, strict=True)],
    })


def _compliance_page(request: HttpRequest, *, errors: list[dict] | None = None,
                     chosen_ids: set[int] | None = None) -> HttpResponse:
    chosen = year_period_from(request, default="open")
    missing = selectors.missing_updates(year=chosen.year, period=chosen.period)
    reminders = selectors.reminders_sent(year=chosen.year, period=chosen.period)
    last = {}
    for reminder in reminders:  # newest first: the first seen is each lead's last reminder
        last.setdefault(reminder.lead_id, reminder)
    leads = [{**entry, "last_reminder": last.get(entry["lead"].pk) if entry["lead"] else None,
              "chosen": entry["lead"] is not None and entry["lead"].pk in (chosen_ids or ())}
             for entry in selectors.missing_by_lead(missing)]
    return render(request, "programme/compliance.html", {
        "chosen": chosen,
        "missing": missing,
        "leads": leads,
        "reminders": reminders,
        "can_remind": can(request.user, "send_reminders"),
        "remind_errors": errors or [],
        "deadline": update_deadline(chosen.year, chosen.period),
        "period_choices": period_choices(),
    })


@require_GET
@capability_required("view_compliance")
def compliance(request: HttpRequest) -> HttpResponse:
    """Who has not updated: open projects without a submitted update for the period, by lead,
    and the reminders sent for it."""
    return _compliance_page(request)


@require_POST
@capability_required("send_reminders")
def compliance_remind(request: HttpRequest) -> HttpResponse:
    """E-mail a reminder to each lead chosen on the "who has not updated" page."""
    chosen = year_period_from(request, default="open")
    ids = {n for v in request.POST.getlist("leads") if (n := whole_number(v)) is not None}
    if chosen.errors:
        return _compliance_page(request, chosen_ids=ids)
    try:
        reminders = services.progress_reminders_request(
            lead_ids=ids, year=chosen.year, period=chosen.period, by=request.user)
    except ValidationError as exc:
        errors = [{"href": "#leads", "text": text} for text in exc.messages]
        return _compliance_page(request, errors=errors, chosen_ids=ids)
    names = [services.who(r.lead) for r in reminders]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    messages.success(request, f"Reminder sent to {listed} for {chosen.label}.")
    return redirect(f"{reverse('programme:compliance')}?{chosen.query}")
