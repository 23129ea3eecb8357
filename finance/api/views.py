"""Viewsets of the finance API: querysets come from selectors; writes validate, then call services.

Every role reads; finance officers (edit_finance) write. Child-level data is not here.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from finance import selectors, services
from finance.api import serializers as s
from finance.models import Instalment, Scenario
from finance.selectors import api as q
from send_tracker.api import PeriodFilter, YearFilter, YearPeriodQuery
from send_tracker.fiscal import FinancialYear
from send_tracker.permissions import Capability

READ_WRITE = Capability.of("view_aggregates", write="edit_finance")


class ForecastFilter(filters.FilterSet):
    year = YearFilter(field_name="year")
    period = PeriodFilter(field_name="period")
    line = filters.CharFilter(field_name="line__code")


class YearOnlyFilter(filters.FilterSet):
    year = YearFilter(field_name="year")


class InstalmentFilter(filters.FilterSet):
    year = YearFilter(field_name="year")
    status = filters.ChoiceFilter(choices=Instalment.Status.choices)


class BudgetLineViewSet(viewsets.ReadOnlyModelViewSet):
    """The s251 High Needs lines."""

    permission_classes = [READ_WRITE]
    serializer_class = s.BudgetLineSerializer

    def get_queryset(self):
        return q.budget_lines()


class ForecastViewSet(viewsets.ReadOnlyModelViewSet):
    """The monthly ledger: budget, actual to date and forecast outturn by line and period.
    Written by the `ledger` import."""

    permission_classes = [READ_WRITE]
    serializer_class = s.MonthlyForecastSerializer
    filterset_class = ForecastFilter

    def get_queryset(self):
        return q.forecasts()


class PressureViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Pressures by year and kind; POST enters (or replaces) the year's pressure of a kind."""

    permission_classes = [READ_WRITE]
    serializer_class = s.PressureSerializer
    filterset_class = YearOnlyFilter

    def get_queryset(self):
        return q.pressures()

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pressure = services.pressure_set(
            year=data["year"],
            kind=data["kind"],
            amount_pence=data["amount_pence"],
            basis=data.get("basis", ""),
            user=request.user,
        )
        return Response(s.PressureSerializer(pressure).data, status=status.HTTP_201_CREATED)


class MitigationViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """In-year mitigations; a change carries the `version` it read (stale writes are refused)."""

    permission_classes = [READ_WRITE]
    serializer_class = s.MitigationSerializer
    filterset_class = YearOnlyFilter

    def get_queryset(self):
        return q.mitigations()

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        mitigation = services.mitigation_create(user=request.user, **data)
        return Response(s.MitigationSerializer(mitigation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MitigationUpdateSerializer, responses=s.MitigationSerializer)
    def update(self, request: Request, *args, **kwargs) -> Response:
        serializer = s.MitigationUpdateSerializer(
            data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        read_version = data.pop("version", None)
        mitigation = services.mitigation_update(
            mitigation=self.get_object(), fields=data, read_version=read_version, user=request.user
        )
        return Response(s.MitigationSerializer(mitigation).data)


class AgreementVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Agreement versions (the original and each reprofile) with their targets."""

    permission_classes = [READ_WRITE]
    serializer_class = s.AgreementVersionSerializer

    def get_queryset(self):
        return q.agreement_versions()

    @extend_schema(request=s.ReprofileSerializer, responses={201: s.AgreementVersionSerializer})
    @action(detail=True, methods=["post"])
    def reprofile(self, request: Request, pk=None) -> Response:
        """Start a draft reprofile from this version (its targets copied)."""
        serializer = s.ReprofileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.agreement_version_reprofile(
            version=self.get_object(), user=request.user, **serializer.validated_data
        )
        return Response(s.AgreementVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class AgreementTargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Targets by version and year: in-year cap and cumulative deficit target."""

    permission_classes = [READ_WRITE]
    serializer_class = s.AgreementTargetSerializer
    filterset_class = YearOnlyFilter

    def get_queryset(self):
        return q.agreement_targets()


class InstalmentViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """DfE instalments; finance officers record status changes (paid, withheld, back-paid)."""

    permission_classes = [READ_WRITE]
    serializer_class = s.InstalmentSerializer
    filterset_class = InstalmentFilter

    def get_queryset(self):
        return q.instalments()

    def update(self, request: Request, *args, **kwargs) -> Response:
        instalment = self.get_object()
        serializer = self.get_serializer(
            instalment, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        saved = services.instalment_set(
            agreement=instalment.agreement,
            year=FinancialYear(instalment.year),
            amount_pence=data.get("amount_pence", instalment.amount_pence),
            due_on=data.get("due_on", instalment.due_on),
            status=data.get("status", instalment.status),
            paid_on=data.get("paid_on", instalment.paid_on),
            user=request.user,
        )
        return Response(s.InstalmentSerializer(saved).data)


class _AgreementChildViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    permission_classes = [READ_WRITE]

    def _agreement(self):
        found = selectors.agreement_get()
        if found is None:
            raise ValidationError("No Safety Valve agreement has been entered yet.")
        return found

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = self.save(
            agreement=self._agreement(), item=None, data=dict(serializer.validated_data)
        )
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        item = self.get_object()
        serializer = self.get_serializer(
            item, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = {f: getattr(item, f) for f in serializer.fields if f in self.editable}
        data.update({k: v for k, v in serializer.validated_data.items() if k in self.editable})
        saved = self.save(agreement=item.agreement, item=item, data=data)
        return Response(self.get_serializer(saved).data)


class ConditionViewSet(_AgreementChildViewSet):
    """Conditions of the agreement with their RAG and evidence."""

    serializer_class = s.ConditionSerializer
    editable = ("text", "rag", "evidence", "order")

    def get_queryset(self):
        return q.conditions()

    def save(self, *, agreement, item, data):
        return services.condition_save(
            agreement=agreement, condition=item, user=self.request.user, **data
        )


class MonitoringReturnViewSet(_AgreementChildViewSet):
    """Monitoring returns to the DfE: due, submitted, feedback."""

    serializer_class = s.MonitoringReturnSerializer
    editable = ("title", "due_on", "submitted_on", "feedback")

    def get_queryset(self):
        return q.monitoring_returns()

    def save(self, *, agreement, item, data):
        return services.monitoring_return_save(
            agreement=agreement, monitoring_return=item, user=self.request.user, **data
        )


class ScenarioViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Scenarios; PATCH changes assumptions (with `version`) and queues a recompute."""

    permission_classes = [READ_WRITE]
    serializer_class = s.ScenarioSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return q.scenarios()

    @extend_schema(request=s.ScenarioUpdateSerializer, responses=s.ScenarioSerializer)
    def update(self, request: Request, *args, **kwargs) -> Response:
        serializer = s.ScenarioUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:
            raise ValidationError({"version": ["Send the version you read."]})
        scenario = services.scenario_update(
            scenario=self.get_object(), version=version, user=request.user, **data
        )
        return Response(s.ScenarioSerializer(scenario).data)


class _ScenarioQuery(serializers.Serializer):
    scenario = serializers.SlugField(required=False, default="baseline")


class TrajectoryView(APIView):
    """The newest finished trajectory run of a scenario, year by year."""

    permission_classes = [READ_WRITE]

    @extend_schema(
        parameters=[
            OpenApiParameter("scenario", str, description="scenario slug (default: baseline)")
        ],
        responses=s.TrajectorySerializer,
    )
    def get(self, request: Request) -> Response:
        unknown = set(request.query_params) - {"scenario", "format"}
        if unknown:
            raise ValidationError(
                {name: ["Not a parameter here. Allowed: scenario."] for name in sorted(unknown)}
            )
        query = _ScenarioQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        slug = query.validated_data["scenario"]
        get_object_or_404(Scenario, slug=slug)
        return Response(selectors.trajectory_points(scenario_slug=slug))


class FinanceSummaryView(APIView):
    """Headline finance figures for a year and period, with the overspend bridge."""

    permission_classes = [READ_WRITE]

    @extend_schema(
        parameters=[
            OpenApiParameter("year", str, required=True, description="2024/25 or 2024-25"),
            OpenApiParameter("period", int, required=True, description="1 (April) to 12 (March)"),
        ],
        responses=s.FinanceSummarySerializer,
    )
    def get(self, request: Request) -> Response:
        unknown = set(request.query_params) - {"year", "period", "format"}
        if unknown:
            raise ValidationError(
                {name: ["Not a parameter here. Allowed: year, period."] for name in sorted(unknown)}
            )
        query = YearPeriodQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        summary = selectors.finance_summary(
            year=query.validated_data["year"], period=query.validated_data["period"]
        )
        summary.pop("has_ledger", None)
        return Response(summary)
