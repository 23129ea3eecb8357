"""Pages of the programme app: thin views over selectors and services."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from send_tracker.permissions import capability_required


@capability_required("view_aggregates")
def programme_overview(request: HttpRequest) -> HttpResponse:
    """Each strand's savings target, forecast and delivered for a year and period."""
    return render(request, "programme/overview.html", {})
