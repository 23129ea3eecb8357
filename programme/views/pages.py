"""Read pages of the programme: overview and its exports, strand, RAID log, KPIs, compliance."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from programme import charts, selectors, services
from programme.forms import RaidFilterForm
from programme.models import RaidItem
from programme.periods import reporting_period, update_deadline
from programme.views.common import YearPeriod, period_choices, year_period_from
from send_tracker import measures
from send_tracker.charts import chart_csv_response
from send_tracker.exports import csv_response, safe_cell
from send_tracker.fiscal import period_end
from send_tracker.paging import paginate
from send_tracker.permissions import ADMIN, LEAD, can_edit_strand, capability_required, has_role
from send_tracker.reporting import reporting_month_end
from send_tracker.templatetags.tracker import RAG_WORDS

POUNDS_FORMAT = '"£"#,##0.00;-"£"#,##0.00'


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
    return {"label": YearPeriod(year=year, period=period).label, "count": len(missing),
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
        return csv_response(f"{name}.csv", SUMMARY_HEADERS, [
            [r[0], *(None if v is None else Decimal(v) / 100 for v in r[1:5]), r[5]] for r in rows
        ])
    if fmt != "xlsx":
        raise Http404
    book = Workbook()
    sheet = book.active
    sheet.title = "Programme summary"
    sheet.append([f"SEND programme savings, {chosen.label}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(SUMMARY_HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append([safe_cell(r[0]), *(None if v is None else Decimal(v) / 100 for v in r[1:5]),
                      safe_cell(r[5])])
        for cell in sheet[sheet.max_row][1:5]:
            cell.number_format = POUNDS_FORMAT
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 42
    for col in "BCDE":
        sheet.column_dimensions[col].width = 18
    sheet.column_dimensions["F"].width = 20
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


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
        "raid": selectors.raid_table(selectors.raid_items(strand_id=strand.pk)),
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
    items = selectors.raid_items(**chosen)
    matrix = selectors.raid_log_matrix(**chosen)
    page = paginate(request, selectors.raid_table_rows(items), query=filters,
                    count=selectors.raid_matrix_total(matrix), row=selectors.raid_table_row)
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


@require_GET
@capability_required("view_compliance")
def compliance(request: HttpRequest) -> HttpResponse:
    """Who has not updated: open projects without a submitted update for the period."""
    chosen = year_period_from(request, default="open")
    missing = selectors.missing_updates(year=chosen.year, period=chosen.period)
    return render(request, "programme/compliance.html", {
        "chosen": chosen,
        "missing": missing,
        "deadline": update_deadline(chosen.year, chosen.period),
        "period_choices": period_choices(),
    })
