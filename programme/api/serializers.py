"""Serializers of the programme API: validate input, then hand it to a service."""

from __future__ import annotations

from rest_framework import serializers

from programme.models import (
    Kpi,
    KpiReading,
    Milestone,
    ProgressUpdate,
    Project,
    Rag,
    RaidItem,
    SavingsTarget,
    Strand,
)
from send_tracker.api import FinancialYearField, PenceField, PeriodField, PersonField
from send_tracker.models import FREE_TEXT_MAX_LENGTH


class StrandSerializer(serializers.ModelSerializer):
    lead = serializers.CharField(source="lead.username", default=None, read_only=True,
                                 allow_null=True)

    class Meta:
        model = Strand
        fields = ["id", "name", "slug", "description", "lead", "order", "active"]


class ProjectSerializer(serializers.ModelSerializer):
    strand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lead = serializers.CharField(source="lead.username", default=None, read_only=True,
                                 allow_null=True)

    class Meta:
        model = Project
        fields = ["id", "strand", "name", "description", "lead", "status", "start_date",
                  "end_date"]


class SavingsTargetSerializer(serializers.ModelSerializer):
    year = FinancialYearField()
    # Programme-level targets have no strand: null in the API, and the schema says so.
    strand = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    level = serializers.CharField(read_only=True)

    class Meta:
        model = SavingsTarget
        fields = ["id", "year", "level", "strand", "project", "amount_pence"]


class ProgressUpdateSerializer(serializers.ModelSerializer):
    """Reads every field; writes go through programme.services.progress_update_save."""

    year = FinancialYearField()
    period = PeriodField()
    strand = serializers.CharField(source="project.strand.slug", read_only=True)
    author = serializers.CharField(source="author.username", default=None, read_only=True,
                                   allow_null=True)
    project = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.select_related("strand")
    )
    confidence = serializers.ChoiceField(choices=Rag.choices)
    submit = serializers.BooleanField(write_only=True, default=False,
                                      help_text="true submits the update; false keeps a draft")
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True, default="",
                                   help_text="required when an administrator changes a closed "
                                   "period's update")

    class Meta:
        model = ProgressUpdate
        fields = ["id", "project", "strand", "year", "period", "forecast_pence",
                  "delivered_pence", "confidence", "commentary", "author", "status",
                  "submitted_at", "version", "submit", "reason"]
        read_only_fields = ["status", "submitted_at"]
        extra_kwargs = {"version": {"required": False,
                                    "help_text": "the version you read; required on PATCH"},
                        "forecast_pence": {"min_value": 0}, "delivered_pence": {"min_value": 0}}
        # The service checks uniqueness with the version, so a clash is a 409, not a 400.
        validators: list = []


class ProgressUpdatePatchSerializer(serializers.Serializer):
    """PATCH: the version read plus any of the editable fields."""

    version = serializers.IntegerField(min_value=1)
    forecast_pence = PenceField(min_value=0, required=False)
    delivered_pence = PenceField(min_value=0, required=False)
    confidence = serializers.ChoiceField(choices=Rag.choices, required=False)
    commentary = serializers.CharField(required=False, allow_blank=True,
                                       max_length=FREE_TEXT_MAX_LENGTH)
    submit = serializers.BooleanField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   max_length=FREE_TEXT_MAX_LENGTH)


class MilestoneSerializer(serializers.ModelSerializer):
    strand = serializers.CharField(source="project.strand.slug", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "project", "strand", "name", "baseline_date", "forecast_date",
                  "actual_date", "status"]
        read_only_fields = ["project", "baseline_date"]


class RaidItemSerializer(serializers.ModelSerializer):
    strand = serializers.SlugRelatedField(slug_field="slug", queryset=Strand.objects.all())
    owner = PersonField(required=False, allow_null=True)

    class Meta:
        model = RaidItem
        fields = ["id", "kind", "strand", "project", "title", "description", "owner",
                  "likelihood", "impact", "score", "mitigation", "residual_likelihood",
                  "residual_impact", "residual_score", "status", "review_date", "converted_at"]
        read_only_fields = ["score", "residual_score", "converted_at"]


class KpiReadingSerializer(serializers.ModelSerializer):
    class Meta:
        model = KpiReading
        fields = ["date", "kind", "value"]


class KpiSerializer(serializers.ModelSerializer):
    strand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    readings = KpiReadingSerializer(many=True, read_only=True)

    class Meta:
        model = Kpi
        fields = ["id", "name", "slug", "description", "strand", "unit", "higher_is_better",
                  "baseline_value", "baseline_date", "target_value", "target_date", "readings"]


class StrandSummarySerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    target_pence = serializers.IntegerField()
    forecast_pence = serializers.IntegerField()
    delivered_pence = serializers.IntegerField()
    shortfall_pence = serializers.IntegerField()
    rag = serializers.ChoiceField(choices=Rag.choices)


class ProgrammeSummarySerializer(serializers.Serializer):
    """Documents GET /api/v1/programme/summary/ (the body is programme_summary() as is)."""

    year = serializers.CharField(help_text="2024/25")
    period = serializers.IntegerField()
    strands = StrandSummarySerializer(many=True)
    target_pence = serializers.IntegerField()
    forecast_pence = serializers.IntegerField()
    delivered_pence = serializers.IntegerField()
    shortfall_pence = serializers.IntegerField()
    unallocated_pence = serializers.IntegerField()
