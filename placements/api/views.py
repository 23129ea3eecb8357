"""Viewsets of the placements API: querysets come from selectors; writes call services.

Child-level rows (placements, assessments, invoices, decisions, overpayment flags) are for
finance officers and administrators only; providers and the cohort summary for every role.
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from placements import selectors, services
from placements.api import serializers as s
from placements.codes import ProvisionType
from placements.models import Invoice, OverpaymentFlag, Placement
from send_tracker.permissions import Capability

AGGREGATES = Capability.of("view_aggregates")
CHILD_LEVEL = Capability.of("view_child_level")


class ProviderFilter(filters.FilterSet):
    provision_type = filters.ChoiceFilter(choices=ProvisionType.choices)
    in_county = filters.BooleanFilter()


class PlacementFilter(filters.FilterSet):
    provision_type = filters.ChoiceFilter(choices=ProvisionType.choices)
    status = filters.ChoiceFilter(choices=Placement.Status.choices)
    provider = filters.CharFilter(field_name="provider__ref")
    child = filters.CharFilter(field_name="child__ref")
    open_on = filters.DateFilter(method="filter_open_on", label="Open on (ISO date)")

    def filter_open_on(self, queryset, name, value):
        return queryset.filter(start_date__lte=value).exclude(end_date__lt=value).exclude(
            status=Placement.Status.CANCELLED
        )


class AssessmentFilter(filters.FilterSet):
    child = filters.CharFilter(field_name="child__ref")
    requested_from = filters.DateFilter(field_name="request_date", lookup_expr="gte")
    requested_to = filters.DateFilter(field_name="request_date", lookup_expr="lte")


class InvoiceFilter(filters.FilterSet):
    provider = filters.CharFilter(field_name="provider__ref")
    placement = filters.CharFilter(field_name="placement__ref")
    status = filters.ChoiceFilter(choices=Invoice.Status.choices)
    period_from = filters.DateFilter(field_name="period_start", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period_start", lookup_expr="lte")


class DecisionFilter(filters.FilterSet):
    child = filters.CharFilter(field_name="child__ref")
    panel_from = filters.DateFilter(field_name="panel_date", lookup_expr="gte")
    panel_to = filters.DateFilter(field_name="panel_date", lookup_expr="lte")


class FlagFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=OverpaymentFlag.Status.choices)
    rule = filters.ChoiceFilter(choices=OverpaymentFlag.Rule.choices)


class ProviderViewSet(viewsets.ReadOnlyModelViewSet):
    """Providers (reference data, every role)."""

    permission_classes = [AGGREGATES]
    serializer_class = s.ProviderSerializer
    filterset_class = ProviderFilter

    def get_queryset(self):
        return selectors.provider_list()


class PlacementViewSet(viewsets.ReadOnlyModelViewSet):
    """Placements (child-level: finance officers and administrators)."""

    permission_classes = [CHILD_LEVEL]
    serializer_class = s.PlacementSerializer
    filterset_class = PlacementFilter

    def get_queryset(self):
        return selectors.placement_list()


class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    """EHC needs assessments (child-level)."""

    permission_classes = [CHILD_LEVEL]
    serializer_class = s.AssessmentSerializer
    filterset_class = AssessmentFilter

    def get_queryset(self):
        return selectors.assessment_list()


class InvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Invoices (child-level)."""

    permission_classes = [CHILD_LEVEL]
    serializer_class = s.InvoiceSerializer
    filterset_class = InvoiceFilter

    def get_queryset(self):
        return selectors.invoice_list()


class DecisionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Placement decisions: read (child-level), record (finance officers, administrators)."""

    permission_classes = [Capability.of("view_child_level", write="record_placement_decision")]
    serializer_class = s.DecisionSerializer
    filterset_class = DecisionFilter

    def get_queryset(self):
        return selectors.decision_list()

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decision = services.placement_decision_record(
            panel_date=data["panel_date"],
            child=data["child"],
            options=[services.OptionInput(**{k: v for k, v in o.items() if k != "chosen"})
                     for o in data["options"]],
            chosen_index=data["chosen_index"],
            notes=data.get("notes", ""),
            user=request.user,
        )
        decision = self.get_queryset().get(pk=decision.pk)
        return Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)


class FlagViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Overpayment flags: read and record an outcome (finance officers, administrators)."""

    permission_classes = [Capability.of("review_overpayments", write="review_overpayments")]
    serializer_class = s.FlagSerializer
    filterset_class = FlagFilter
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.overpayment_flags()

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        flag = self.get_object()
        serializer = self.get_serializer(flag, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.overpayment_flag_review(
            flag=flag,
            status=serializer.validated_data.get("status", flag.status),
            note=serializer.validated_data.get("note", flag.note),
            user=request.user,
        )
        return Response(self.get_serializer(flag).data)


class CohortSummaryView(APIView):
    """Cohort headline figures on a date (aggregates: every role)."""

    permission_classes = [AGGREGATES]

    @extend_schema(parameters=[s.CohortQuery], responses=s.CohortSummarySerializer)
    def get(self, request: Request) -> Response:
        unknown = sorted(set(request.query_params) - {"date", "format"})
        if unknown:
            return Response({name: ["Not a parameter here. Allowed: date."] for name in unknown},
                            status=status.HTTP_400_BAD_REQUEST)
        query = s.CohortQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("date") or selectors.cohort_default_date()
        # The cached overview holds exactly cohort_summary(on=on) until the data changes.
        return Response(selectors.cohort_overview(on=on)["summary"])
