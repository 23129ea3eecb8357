"""What the finance pages share: the year/period being looked at, and the form-page pattern."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from finance import selectors
from send_tracker.fiscal import FinancialYear
from send_tracker.forms import service_errors
from send_tracker.reporting import reporting_month
from send_tracker.yearperiod import ChosenPeriod, year_period_from


def chosen_period(request: HttpRequest,
                  periods: list[tuple[int, int]] | None = None) -> ChosenPeriod | None:
    """The year and period asked for in the query (`?year=2024-25&period=6`), else the reporting
    month, or the newest ledger month before it when the ledger lags (the page says so with
    `{% data_month "ledger" %}`); a year asked for without a period: its P12. None with no
    ledger. A malformed value is reported in `errors` (send_tracker.yearperiod)."""
    latest = periods[-1] if periods else (selectors.latest_period() if periods is None else None)
    if latest is None:
        return None
    month_year, month = reporting_month()
    start, period = min((month_year.start_year, month), tuple(latest))
    default_year = FinancialYear(start)
    chosen = year_period_from(request, default=(default_year, period))
    if not chosen.period_asked and chosen.year != default_year:
        chosen.period = 12
    return chosen


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
