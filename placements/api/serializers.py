"""Serializers of the placements API: validate input, then hand it to a service."""

from __future__ import annotations

from rest_framework import serializers

from placements.codes import ProvisionType
from placements.models import (
    Assessment,
    Child,
    Invoice,
    OverpaymentFlag,
    Placement,
    PlacementDecision,
    PlacementOption,
    Provider,
)
from send_tracker.api import DateField


class ProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Provider
        fields = ["id", "ref", "name", "urn", "provision_type", "in_county", "places"]


class PlacementSerializer(serializers.ModelSerializer):
    # Annotations of selectors.placement_list (no child or provider rows are built).
    child_ref = serializers.CharField(read_only=True)
    provider_ref = serializers.CharField(read_only=True)

    class Meta:
        model = Placement
        fields = ["id", "ref", "child_ref", "provider_ref", "provision_type", "start_date",
                  "end_date", "annual_cost_pence", "health_pct", "social_care_pct", "status"]


class AssessmentSerializer(serializers.ModelSerializer):
    child_ref = serializers.CharField(source="child.ref")

    class Meta:
        model = Assessment
        fields = ["id", "child_ref", "request_date", "decision_date", "final_plan_date",
                  "closed_date", "exception_20wk"]


class InvoiceSerializer(serializers.ModelSerializer):
    # Annotations of selectors.invoice_list (no provider or placement rows are built).
    provider_ref = serializers.CharField(read_only=True)
    placement_ref = serializers.CharField(read_only=True)

    class Meta:
        model = Invoice
        fields = ["id", "ref", "provider_ref", "placement_ref", "period_start", "period_end",
                  "amount_pence", "paid_date", "status"]


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlacementOption
        fields = ["description", "provision_type", "annual_cost_pence", "suitable", "chosen"]
        read_only_fields = ["chosen"]


class DecisionSerializer(serializers.ModelSerializer):
    child_ref = serializers.SlugRelatedField(source="child", slug_field="ref",
                                             queryset=Child.objects.all())
    options = OptionSerializer(many=True)
    chosen_index = serializers.IntegerField(write_only=True, min_value=0,
                                            help_text="Position in `options` of the chosen one")
    decided_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = PlacementDecision
        fields = ["id", "panel_date", "child_ref", "options", "chosen_index", "saving_pence",
                  "notes", "decided_by"]
        read_only_fields = ["saving_pence"]

    def validate_options(self, value):
        if len(value) < 2:
            raise serializers.ValidationError("Give at least two options.")
        for option in value:
            if option["annual_cost_pence"] < 0:
                raise serializers.ValidationError("Costs cannot be negative.")
            if option["provision_type"] not in ProvisionType.values:
                raise serializers.ValidationError("Unknown provision type.")
        return value


class FlagSerializer(serializers.ModelSerializer):
    invoice_ref = serializers.CharField(source="invoice.ref", read_only=True)
    reviewed_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = OverpaymentFlag
        fields = ["id", "invoice_ref", "rule", "amount_pence", "detail", "status", "note",
                  "found_at", "reviewed_by", "reviewed_at"]
        read_only_fields = ["rule", "amount_pence", "detail", "found_at", "reviewed_at"]


class CohortQuery(serializers.Serializer):
    date = DateField(required=False, help_text="ISO date between 2000 and 2100, e.g. 2024-09-30")


class ProvisionTypeFigures(serializers.Serializer):
    count = serializers.IntegerField()
    annual_cost_pence = serializers.IntegerField()


class CohortSummarySerializer(serializers.Serializer):
    """The shape of cohort_summary(), for the schema."""

    plans = serializers.IntegerField()
    placements_by_provision_type = serializers.DictField(child=ProvisionTypeFigures())
    avg_cost_per_plan_pence = serializers.IntegerField(allow_null=True)
    avg_cost_change_pence = serializers.IntegerField(allow_null=True)
    within_20_weeks_pct = serializers.FloatField(allow_null=True)
    backlog_over_16_weeks = serializers.IntegerField()
