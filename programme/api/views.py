"""Viewsets of the programme API: querysets come from selectors; writes call services."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from programme import services
from programme.api import serializers as s
from programme.models import Milestone, ProgressUpdate, RaidItem
from programme.selectors import api as q
from programme.selectors import programme_summary
from send_tracker.api import PeriodFilter, YearFilter, YearPeriodQuery
from send_tracker.fiscal import FinancialYear
from send_tracker.permissions import Capability

READ = Capability.of("view_aggregates")


class StrandFilter(filters.FilterSet):
    strand = filters.CharFilter(field_name="slug")
    active = filters.BooleanFilter()


class ProjectFilter(filters.FilterSet):
    strand = filters.CharFilter(field_name="strand__slug")
    status = filters.CharFilter()


class TargetFilter(filters.FilterSet):
    year = YearFilter(field_name="year")
    strand = filters.CharFilter(field_name="strand__slug")


class ProgressUpdateFilter(filters.FilterSet):
    year = YearFilter(field_name="year")
    period = PeriodFilter(field_name="period")
    strand = filters.CharFilter(field_name="project__strand__slug")
    project = filters.NumberFilter(field_name="project_id")
    status = filters.ChoiceFilter(choices=ProgressUpdate.Status.choices)


class MilestoneFilter(filters.FilterSet):
    strand = filters.CharFilter(field_name="project__strand__slug")
    project = filters.NumberFilter(field_name="project_id")
    status = filters.ChoiceFilter(choices=Milestone.Status.choices)


class RaidFilter(filters.FilterSet):
    strand = filters.CharFilter(field_name="strand__slug")
    kind = filters.ChoiceFilter(choices=RaidItem.Kind.choices)
    status = filters.ChoiceFilter(choices=RaidItem.Status.choices)
    owner = filters.CharFilter(field_name="owner__username")


class KpiFilter(filters.FilterSet):
    strand = filters.CharFilter(field_name="strand__slug")


class StrandViewSet(viewsets.ReadOnlyModelViewSet):
    """The programme's strands."""

    permission_classes = [READ]
    serializer_class = s.StrandSerializer
    filterset_class = StrandFilter

    def get_queryset(self):
        return q.strand_list()


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects, filterable by strand."""

    permission_classes = [READ]
    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        return q.project_list()


class SavingsTargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Savings targets of the programme (no strand or project), strands and projects."""

    permission_classes = [READ]
    serializer_class = s.SavingsTargetSerializer
    filterset_class = TargetFilter

    def get_queryset(self):
        return q.target_list()


class ProgressUpdateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    """Monthly progress updates. Leads write only their own strands' projects (403 otherwise);
    a PATCH carries the `version` it read, and a newer version answers 409 with what changed."""

    permission_classes = [Capability.of("view_aggregates", write="edit_programme")]
    serializer_class = s.ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return q.progress_update_list()

    def _save(self, **kwargs) -> Response:
        try:
            update = services.progress_update_save(user=self.request.user, **kwargs)
        except services.StaleVersionError as exc:
            return Response(
                {"detail": exc.messages[0],
                 "current_version": exc.current.version if exc.current else None},
                status=status.HTTP_409_CONFLICT,
            )
        update = q.progress_update_list().get(pk=update.pk)
        return Response(s.ProgressUpdateSerializer(update).data)

    @extend_schema(responses={201: s.ProgressUpdateSerializer,
                              409: OpenApiResponse(description="a newer version exists")})
    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        response = self._save(
            project=data["project"], year=data["year"], period=data["period"],
            forecast_pence=data["forecast_pence"], delivered_pence=data["delivered_pence"],
            confidence=data["confidence"], commentary=data.get("commentary", ""),
            submit=data["submit"], read_version=data.get("version"), reason=data["reason"],
        )
        if response.status_code == status.HTTP_200_OK:
            response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=s.ProgressUpdatePatchSerializer,
                   responses={200: s.ProgressUpdateSerializer,
                              409: OpenApiResponse(description="a newer version exists")})
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        current = self.get_object()
        patch = s.ProgressUpdatePatchSerializer(data=request.data)
        patch.is_valid(raise_exception=True)
        data = patch.validated_data
        return self._save(
            project=current.project, year=FinancialYear(current.year), period=current.period,
            forecast_pence=data.get("forecast_pence", current.forecast_pence),
            delivered_pence=data.get("delivered_pence", current.delivered_pence),
            confidence=data.get("confidence", current.confidence),
            commentary=data.get("commentary", current.commentary),
            submit=data.get("submit", current.status == ProgressUpdate.Status.SUBMITTED),
            read_version=data["version"], reason=data["reason"],
        )

    def update(self, request: Request, *args, **kwargs) -> Response:
        return self.partial_update(request, *args, **kwargs)


WRITE = Capability.of("view_aggregates", write="edit_programme")


class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Project milestones; leads PATCH their own strands' forecast and actual dates and status."""

    permission_classes = [WRITE]
    serializer_class = s.MilestoneSerializer
    filterset_class = MilestoneFilter
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return q.milestone_list()

    def perform_update(self, serializer) -> None:
        serializer.instance = services.milestone_update(
            user=self.request.user, milestone=serializer.instance, **serializer.validated_data
        )


class RaidItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The RAID log, highest score first; leads add and change their own strands' items."""

    permission_classes = [WRITE]
    serializer_class = s.RaidItemSerializer
    filterset_class = RaidFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return q.raid_list()

    def perform_create(self, serializer) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.raid_item_save(
            user=self.request.user, strand=data.pop("strand"), **data
        )

    def perform_update(self, serializer) -> None:
        data = dict(serializer.validated_data)
        strand = data.pop("strand", serializer.instance.strand)
        serializer.instance = services.raid_item_save(
            user=self.request.user, strand=strand, item=serializer.instance, **data
        )

    @extend_schema(request=None, responses={200: s.RaidItemSerializer})
    @action(detail=True, methods=["post"], url_path="convert-to-issue")
    def convert_to_issue(self, request: Request, pk=None) -> Response:
        """A risk that has happened becomes an issue, keeping its history."""
        item = services.raid_item_convert_to_issue(user=request.user, item=self.get_object())
        return Response(s.RaidItemSerializer(q.raid_list().get(pk=item.pk)).data)


class KpiViewSet(viewsets.ReadOnlyModelViewSet):
    """KPIs with their readings (actuals and milestone targets)."""

    permission_classes = [READ]
    serializer_class = s.KpiSerializer
    filterset_class = KpiFilter

    def get_queryset(self):
        return q.kpi_list()


class ProgrammeSummaryView(APIView):
    """Each strand's target, forecast, delivered, shortfall and RAG; the programme's totals."""

    permission_classes = [READ]

    @extend_schema(
        parameters=[YearPeriodQuery],
        responses={200: s.ProgrammeSummarySerializer,
                   400: OpenApiResponse(description="malformed year or period")},
        summary="Programme savings summary for a year and period",
    )
    def get(self, request: Request) -> Response:
        query = YearPeriodQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(programme_summary(
            year=query.validated_data["year"], period=query.validated_data["period"]
        ))
