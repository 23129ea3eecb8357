"""Serializers of the finance API: validate input, then hand it to a service."""

from __future__ import annotations

from rest_framework import serializers

from finance.models import (
    AgreementTarget,
    AgreementVersion,
    BudgetLine,
    Condition,
    Instalment,
    Mitigation,
    MonitoringReturn,
    MonthlyForecast,
    Pressure,
    Rag,
    Scenario,
)
from send_tracker.api import FinancialYearField, PenceField, PeriodField
from send_tracker.models import FREE_TEXT_MAX_LENGTH

PCT = {"max_digits": 7, "decimal_places": 3, "min_value": -100, "max_value": 1000}


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["id", "code", "name", "order"]


class MonthlyForecastSerializer(serializers.ModelSerializer):
    line_code = serializers.CharField(source="line.code", read_only=True)
    line_name = serializers.CharField(source="line.name", read_only=True)
    year = FinancialYearField(read_only=True)
    period = PeriodField(read_only=True)
    variance_pence = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyForecast
        fields = [
            "id",
            "line_code",
            "line_name",
            "year",
            "period",
            "budget_pence",
            "actual_to_date_pence",
            "forecast_outturn_pence",
            "variance_pence",
        ]

    def get_variance_pence(self, obj: MonthlyForecast) -> int:
        return obj.forecast_outturn_pence - obj.budget_pence


class PressureSerializer(serializers.ModelSerializer):
    year = FinancialYearField()

    class Meta:
        model = Pressure
        fields = ["id", "year", "kind", "amount_pence", "basis", "derived", "updated_at"]
        read_only_fields = ["derived", "updated_at"]


class MitigationSerializer(serializers.ModelSerializer):
    year = FinancialYearField()
    confidence = serializers.ChoiceField(choices=Rag.choices)

    class Meta:
        model = Mitigation
        fields = [
            "id",
            "year",
            "name",
            "value_pence",
            "confidence",
            "status",
            "owner",
            "updated_at",
            "version",
        ]
        read_only_fields = ["updated_at", "version"]


class MitigationUpdateSerializer(serializers.Serializer):
    """A change to a mitigation; `version` as read, so a stale write is refused."""

    name = serializers.CharField(max_length=200, required=False)
    value_pence = PenceField(required=False)
    confidence = serializers.ChoiceField(choices=Rag.choices, required=False)
    status = serializers.ChoiceField(choices=Mitigation.Status.choices, required=False)
    owner = serializers.CharField(max_length=120, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class AgreementTargetSerializer(serializers.ModelSerializer):
    year = FinancialYearField(read_only=True)

    class Meta:
        model = AgreementTarget
        fields = ["id", "version", "year", "in_year_cap_pence", "cumulative_target_pence"]


class AgreementVersionSerializer(serializers.ModelSerializer):
    targets = AgreementTargetSerializer(many=True, read_only=True)

    class Meta:
        model = AgreementVersion
        fields = [
            "id",
            "agreement",
            "number",
            "name",
            "status",
            "based_on",
            "agreed_on",
            "reason",
            "targets",
        ]


class ReprofileSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    reason = serializers.CharField(max_length=FREE_TEXT_MAX_LENGTH)


class InstalmentSerializer(serializers.ModelSerializer):
    year = FinancialYearField(read_only=True)

    class Meta:
        model = Instalment
        fields = [
            "id",
            "agreement",
            "year",
            "amount_pence",
            "due_on",
            "status",
            "paid_on",
            "updated_at",
        ]
        read_only_fields = ["agreement", "updated_at"]


class ConditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Condition
        fields = ["id", "agreement", "order", "text", "rag", "evidence", "updated_at"]
        read_only_fields = ["agreement", "updated_at"]


class MonitoringReturnSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringReturn
        fields = ["id", "agreement", "title", "due_on", "submitted_on", "feedback", "updated_at"]
        read_only_fields = ["agreement", "updated_at"]


class ScenarioSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scenario
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "is_baseline",
            "growth_by_type",
            "default_growth_pct",
            "unit_cost_inflation_pct",
            "income_growth_pct",
            "savings_delivery_pct",
            "mitigation_delivery_pct",
            "version",
        ]
        read_only_fields = fields


class ScenarioUpdateSerializer(serializers.Serializer):
    """A change to a scenario's assumptions, with the `version` it was read at."""

    version = serializers.IntegerField()
    description = serializers.CharField(required=False, allow_blank=True,
                                        max_length=FREE_TEXT_MAX_LENGTH)
    growth_by_type = serializers.DictField(child=serializers.DecimalField(**PCT), required=False)
    default_growth_pct = serializers.DecimalField(**PCT, required=False)
    unit_cost_inflation_pct = serializers.DecimalField(**PCT, required=False)
    income_growth_pct = serializers.DecimalField(**PCT, required=False)
    savings_delivery_pct = serializers.DecimalField(**PCT, required=False)
    mitigation_delivery_pct = serializers.DecimalField(**PCT, required=False)


class TrajectoryPointSerializer(serializers.Serializer):
    year = serializers.CharField()
    unmitigated_spend_pence = serializers.IntegerField()
    mitigated_spend_pence = serializers.IntegerField()
    income_pence = serializers.IntegerField()
    in_year_deficit_pence = serializers.IntegerField()
    cumulative_deficit_pence = serializers.IntegerField()
    cumulative_deficit_at_risk_pence = serializers.IntegerField()
    cap_pence = serializers.IntegerField(allow_null=True)
    cumulative_target_pence = serializers.IntegerField(allow_null=True)
    variance_pence = serializers.IntegerField(allow_null=True)
    instalment_pence = serializers.IntegerField()
    instalment_at_risk = serializers.BooleanField()


class TrajectorySerializer(serializers.Serializer):
    scenario = serializers.CharField()
    scenario_name = serializers.CharField(required=False)
    run_id = serializers.IntegerField(required=False)
    run_started_at = serializers.DateTimeField(required=False)
    run_finished_at = serializers.DateTimeField(allow_null=True)
    points = TrajectoryPointSerializer(many=True)


class BridgeStepSerializer(serializers.Serializer):
    label = serializers.CharField()
    pence = serializers.IntegerField()
    measure = serializers.CharField()


class FinanceSummarySerializer(serializers.Serializer):
    year = serializers.CharField()
    period = serializers.IntegerField()
    budget_pence = serializers.IntegerField()
    forecast_outturn_pence = serializers.IntegerField()
    overspend_pence = serializers.IntegerField()
    income_pence = serializers.IntegerField(allow_null=True)
    in_year_deficit_pence = serializers.IntegerField(allow_null=True)
    sv_cap_pence = serializers.IntegerField(allow_null=True)
    variance_to_cap_pence = serializers.IntegerField(allow_null=True)
    pressures = serializers.DictField(child=serializers.IntegerField())
    mitigations_pence = serializers.IntegerField()
    deficit_after_mitigations_pence = serializers.IntegerField(allow_null=True)
    variance_after_mitigations_pence = serializers.IntegerField(allow_null=True)
    savings_shortfall_pence = serializers.IntegerField()
    bridge = BridgeStepSerializer(many=True)
