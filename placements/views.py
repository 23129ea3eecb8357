"""Pages of the placements app: thin views over selectors and services."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from send_tracker.permissions import capability_required


@capability_required("view_aggregates")
def cohort(request: HttpRequest) -> HttpResponse:
    """The EHCP cohort: plans, placements, costs and timeliness (aggregates for every role)."""
    return render(request, "placements/cohort.html", {})
