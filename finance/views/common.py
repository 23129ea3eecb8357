"""What the finance pages share: the year/period being looked at, and the form-page pattern."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from finance import selectors
from send_tracker.fiscal import FinancialYear, parse_period
from send_tracker.forms import service_errors
from send_tracker.reporting import reporting_month


def chosen_period(request: HttpRequest,
                  periods: list[tuple[int, int]] | None = None) -> tuple[int, int] | None:
    """The (year, period) asked for in the query (`?year=2024-25&period=6`), else the reporting
    month, or the newest ledger month before it when the ledger lags (the page says so with
    `{% data_month "ledger" %}`); None with no ledger."""
    latest = periods[-1] if periods else (selectors.latest_period() if periods is None else None)
    try:
        year = FinancialYear.parse(request.GET["year"]).start_year if "year" in request.GET \
            else None
        period = parse_period(request.GET["period"]) if "period" in request.GET else None
    except ValueError:
        year = period = None
    if latest is None:
        return None
    month_year, month = reporting_month()
    default = min((month_year.start_year, month), tuple(latest))
    return (year or default[0],
            period or (default[1] if (year or default[0]) == default[0] else 12))


def form_page(request: HttpRequest, *, form, template: str, context: dict[str, Any],
              save: Callable[[Any], Any], success_url: str | Callable[[Any], str],
              success_message: str) -> HttpResponse:
    """Validate a POSTed form, hand it to a service, redirect; a rule breach shows as an error,
    beside its field where the service named one the form has.

    `success_url` may be a function of what `save` returned (a new item's own page)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, success_message)
            return redirect(success_url(saved) if callable(success_url) else success_url)
    return render(request, template, {**context, "form": form},
                  status=400 if request.method == "POST" else 200)
