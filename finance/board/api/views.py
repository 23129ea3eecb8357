"""Board API: the list of summaries and a month's latest readable version as JSON.

Directors, finance officers and administrators read every version; leads only signed-off ones
(a draft is a 404 for them, as if it did not exist).
"""

from __future__ import annotations

from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from finance.board import selectors
from finance.board.api.serializers import (
    BoardSummaryContentSerializer,
    BoardSummaryListSerializer,
)
from finance.board.models import BoardSummary
from send_tracker.api import PeriodFilter, YearFilter
from send_tracker.fiscal import FinancialYear, parse_period
from send_tracker.permissions import Capability


class BoardSummaryFilter(filters.FilterSet):
    year = YearFilter(field_name="year")
    period = PeriodFilter(field_name="period")
    status = filters.ChoiceFilter(choices=BoardSummary.Status.choices)

    class Meta:
        model = BoardSummary
        fields = ["year", "period", "status"]


class BoardSummaryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every board summary version the user may read, newest month first."""

    permission_classes = [Capability.of("view_aggregates")]
    serializer_class = BoardSummaryListSerializer
    filterset_class = BoardSummaryFilter

    def get_queryset(self):
        return selectors.summary_list(self.request.user)


class BoardSummaryMonthView(APIView):
    """A month's board summary (latest readable version, or `?version=`) as JSON."""

    permission_classes = [Capability.of("view_aggregates")]
    extra_query_params = ("version",)

    @extend_schema(
        parameters=[OpenApiParameter("version", int, required=False)],
        responses={200: dict},
    )
    def get(self, request: Request, year: str, period: str) -> Response:
        try:
            fy = FinancialYear.parse(year)
            number = parse_period(period)
        except ValueError as exc:
            raise Http404(str(exc)) from exc
        version = request.query_params.get("version")
        summary = selectors.summary_for_month(
            request.user, year=fy, period=number,
            version=int(version) if version and version.isdigit() else None,
        )
        if summary is None:
            raise Http404("No board summary you can read for that month.")
        return Response(BoardSummaryContentSerializer(summary).data)
