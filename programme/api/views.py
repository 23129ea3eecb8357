"""Viewsets of the programme API: querysets come from selectors; writes call services."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from programme import services
from programme.api import serializers as s
from programme.models import KpiReading, Milestone, ProgressUpdate, RaidItem
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


SETUP = Capability.of("view_aggregates", write="manage_programme")
SETUP_METHODS = ["get", "post", "patch", "head", "options"]


class SetupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Read by every role; POST and PATCH by the programme office and administrators, through
    the set-up services (nothing is deleted: archive or close instead)."""

    permission_classes = [SETUP]
    http_method_names = SETUP_METHODS

    def save(self, **data):  # pragma: no cover - each set-up viewset says how it saves
        raise NotImplementedError

    def perform_create(self, serializer) -> None:
        serializer.instance = self.save(instance=None, **serializer.validated_data)

    def perform_update(self, serializer) -> None:
        serializer.instance = self.save(instance=serializer.instance, **serializer.validated_data)

    def create(self, request: Request, *args, **kwargs) -> Response:
        response = super().create(request, *args, **kwargs)
        response.data = self.get_serializer(self.get_queryset().get(pk=response.data["id"])).data
        return response


class StrandViewSet(SetupViewSet):
    """The programme's strands; the programme office adds and changes them (archive with
    `active: false`). A lead or deputy must be an active user with a tracker role."""

    serializer_class = s.StrandSerializer
    filterset_class = StrandFilter

    def get_queryset(self):
        return q.strand_list()

    def save(self, *, instance, **data):
        current = {} if instance is None else {
            "name": instance.name, "description": instance.description, "lead": instance.lead,
            "deputies": list(instance.deputies.all()), "order": instance.order,
            "active": instance.active}
        return services.strand_save(user=self.request.user, strand=instance,
                                    **{**current, **data})


class ProjectViewSet(SetupViewSet):
    """Projects, filterable by strand; the programme office adds and changes them (close with
    `status: closed`)."""

    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        return q.project_list()

    def save(self, *, instance, **data):
        current = {} if instance is None else {
            f: getattr(instance, f) for f in ("strand", "name", "description", "lead", "status",
                                              "start_date", "end_date")}
        return services.project_save(user=self.request.user, project=instance,
                                     **{**current, **data})


class SavingsTargetViewSet(SetupViewSet):
    """Savings targets of the programme (no strand or project), strands and projects, for years
    within the programme's. POST sets a year's target (creating or changing it)."""

    serializer_class = s.SavingsTargetSerializer
    filterset_class = TargetFilter

    def get_queryset(self):
        return q.target_list()

    def save(self, *, instance, **data):
        if instance is not None:
            return services.savings_target_set(
                user=self.request.user, year=FinancialYear(instance.year),
                project=instance.project,
                strand=instance.strand, amount_pence=data.get("amount_pence",
                                                              instance.amount_pence))
        return services.savings_target_set(
            user=self.request.user, year=data["year"],
            amount_pence=data["amount_pence"], project=data.get("project"),
            strand=data.get("strand"))

    def perform_update(self, serializer) -> None:
        for field in ("year", "strand", "project"):
            if field in serializer.validated_data:
                raise ValidationError({field: "Only the amount of a target changes; set another "
                                              "year's or level's target with POST."})
        super().perform_update(serializer)


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


class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Project milestones. Leads add and PATCH their own strands' milestones, the programme
    office any; only the programme office rebaselines (earlier baselines are kept)."""

    permission_classes = [Capability.of("view_aggregates", write="edit_milestones")]
    serializer_class = s.MilestoneSerializer
    filterset_class = MilestoneFilter
    http_method_names = SETUP_METHODS

    def get_queryset(self):
        return q.milestone_list()

    def get_permissions(self):
        if self.action == "rebaseline":
            return [SETUP()]
        return super().get_permissions()

    def perform_create(self, serializer) -> None:
        serializer.instance = services.milestone_create(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer) -> None:
        serializer.instance = services.milestone_update(
            user=self.request.user, milestone=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=s.RebaselineSerializer, responses={200: s.MilestoneSerializer})
    @action(detail=True, methods=["post"])
    def rebaseline(self, request: Request, pk=None) -> Response:
        """Move the milestone's baseline, giving the reason; earlier baselines are kept."""
        body = s.RebaselineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        milestone = services.milestone_rebaseline(user=request.user, milestone=self.get_object(),
                                                  **body.validated_data)
        return Response(s.MilestoneSerializer(q.milestone_list().get(pk=milestone.pk)).data)


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


class KpiViewSet(SetupViewSet):
    """KPIs with their readings (actuals and milestone targets); the programme office adds and
    changes them (archive with `active: false`)."""

    serializer_class = s.KpiSerializer
    filterset_class = KpiFilter

    def get_queryset(self):
        return q.kpi_list()

    def save(self, *, instance, **data):
        return services.kpi_save(user=self.request.user, kpi=instance, **data)


class KpiReadingFilter(filters.FilterSet):
    kpi = filters.CharFilter(field_name="kpi__slug")
    kind = filters.ChoiceFilter(choices=KpiReading.Kind.choices)


class KpiReadingViewSet(SetupViewSet):
    """KPI readings: an actual is entered by the KPI's owner (a measure the tracker holds is
    computed, never typed); a milestone target by the programme office. Every role may try:
    the owner rule is programme.services.can_record_kpi (403 otherwise)."""

    permission_classes = [Capability.of("view_aggregates", write="view_aggregates")]
    serializer_class = s.KpiReadingWriteSerializer
    filterset_class = KpiReadingFilter

    def get_queryset(self):
        return q.kpi_reading_list()

    def save(self, *, instance, **data):
        kpi = data.get("kpi", instance.kpi if instance else None)
        kind = data.get("kind", instance.kind if instance else KpiReading.Kind.ACTUAL)
        if instance is not None and (kpi != instance.kpi or kind != instance.kind):
            raise ValidationError({"kpi": "A reading's KPI and kind do not change."})
        date = data.get("date", instance.date if instance else None)
        value = data.get("value", instance.value if instance else None)
        if kind == KpiReading.Kind.MILESTONE:
            return services.kpi_target_set(user=self.request.user, kpi=kpi, date=date,
                                           value=value)
        return services.kpi_reading_record(user=self.request.user, kpi=kpi, date=date,
                                           value=value)


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
