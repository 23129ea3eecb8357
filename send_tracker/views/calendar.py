"""The reporting calendar's pages: every period with its dates, editing a period's dates, and
closing the open period (with a confirmation step)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from send_tracker import reporting, services
from send_tracker.fiscal import PERIODS, FinancialYear, period_end
from send_tracker.forms import (
    ReportingPeriodCloseForm,
    ReportingPeriodDatesForm,
    mark_errors,
    service_errors,
)
from send_tracker.permissions import capability_required


def _year_period(year_slug: str, period: int) -> tuple[FinancialYear, int]:
    try:
        year = FinancialYear.parse(year_slug)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    if period not in PERIODS:
        raise Http404("No such period")
    return year, period


@require_GET
@capability_required("view_aggregates")
def calendar_page(request: HttpRequest) -> HttpResponse:
    """Every reporting period with its deadlines; the open one marked; the reporting month."""
    open_year, open_p = reporting.open_period()
    month_year, month_p = reporting.reporting_month()
    return render(request, "send_tracker/calendar.html", {
        "rows": reporting.calendar_rows(),
        "open_label": reporting.month_label(open_year, open_p),
        "open_short": f"P{open_p} {open_year.label}",
        "open_year": open_year,
        "open_period": open_p,
        "open_month_ended": period_end(open_year, open_p) < timezone.localdate(),
        "open_month_end": period_end(open_year, open_p),
        "reporting_label": reporting.month_label(month_year, month_p),
    })


@capability_required("close_period")
def calendar_edit(request: HttpRequest, year: str, period: int) -> HttpResponse:
    """Change a period's lead deadline, finance close and board date."""
    fy, period = _year_period(year, period)
    dates = reporting.period_dates(fy, period)
    form = ReportingPeriodDatesForm(request.POST or None, initial={
        "lead_deadline": dates.lead_deadline, "finance_close": dates.finance_close,
        "board_date": dates.board_date,
    })
    label = reporting.month_label(fy, period)
    if request.method == "POST" and form.is_valid():
        try:
            services.reporting_period_dates_set(user=request.user, year=fy, period=period,
                                                **form.cleaned_data)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, f"Dates for {label} saved.")
            return redirect("calendar")
    mark_errors(form)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "send_tracker/calendar_edit.html",
                  {"form": form, "label": label}, status=status)


@capability_required("close_period")
def calendar_close(request: HttpRequest) -> HttpResponse:
    """Confirm, then close the open period: the reporting month moves on to it."""
    open_year, open_p = reporting.open_period()
    short = f"P{open_p} {open_year.label}"
    if request.method == "POST":
        form = ReportingPeriodCloseForm(request.POST)
        error = None
        if not form.is_valid():
            error = "Choose the period to close from the calendar page."
        else:
            try:
                year = FinancialYear.parse(form.cleaned_data["year"])
            except ValueError as exc:
                error = str(exc)
            else:
                try:
                    services.reporting_period_close(user=request.user, year=year,
                                                    period=form.cleaned_data["period"])
                except ValidationError as exc:
                    error = " ".join(exc.messages)
                else:
                    messages.success(request, f"P{form.cleaned_data['period']} {year.label} is "
                                     "closed: it is now the reporting month, and leads report "
                                     f"on {reporting.month_label(*reporting.open_period())}.")
                    return redirect(reverse("calendar"))
        messages.error(request, error)
        return redirect(reverse("calendar"))
    deadline = reporting.period_dates(open_year, open_p).lead_deadline
    return render(request, "send_tracker/calendar_close.html", {
        "short": short,
        "label": reporting.month_label(open_year, open_p),
        "year": open_year,
        "period": open_p,
        "deadline": deadline,
        "deadline_passed": deadline < timezone.localdate(),
        "next_label": reporting.month_label(*reporting.next_period(open_year, open_p)),
    })
