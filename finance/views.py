"""Pages of the finance app (and the Overview and board pages, which compose all three apps)."""

import plotly.graph_objects as go
from django.contrib.auth.models import Group
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from send_tracker.charts import Chart, base_layout, chart_csv_response
from send_tracker.permissions import ROLES, capability_required


def _users_by_role_chart() -> Chart:
    counts = dict(
        Group.objects.filter(name__in=ROLES).annotate(n=Count("user")).values_list("name", "n")
    )
    rows = [[role, counts.get(role, 0)] for role in ROLES]
    figure = go.Figure(go.Bar(x=[r[0] for r in rows], y=[r[1] for r in rows], name="Users"))
    figure.update_layout(**base_layout(yaxis={"title": "Users"}))
    return Chart(id="users-by-role", title="Users by role", figure=figure,
                 headers=["Role", "Users"], rows=rows)


@capability_required("view_aggregates")
def overview(request: HttpRequest) -> HttpResponse:
    """The landing page: headline figures across programme, finance and placements."""
    charts = [_users_by_role_chart()]
    if (csv := chart_csv_response(request, charts)) is not None:
        return csv
    return render(request, "finance/overview.html", {"charts": charts})


@capability_required("view_aggregates")
def finance_dashboard(request: HttpRequest) -> HttpResponse:
    """Budget monitoring for a year and period."""
    return render(request, "finance/dashboard.html", {})


@capability_required("view_aggregates")
def board_list(request: HttpRequest) -> HttpResponse:
    """Every monthly board summary with its status."""
    return render(request, "finance/board_list.html", {})
