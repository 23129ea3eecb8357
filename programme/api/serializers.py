"""Serializers of the programme API: validate input, then hand it to a service."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
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


def _users():
    return get_user_model().objects.all()


class StrandSerializer(serializers.ModelSerializer):
    """Reads a strand; POST/PATCH (the programme office) call programme.services.strand_save."""

    lead = serializers.SlugRelatedField(slug_field="username", queryset=_users(), required=False,
                                        allow_null=True, help_text="the lead's username")
    deputies = serializers.SlugRelatedField(slug_field="username", queryset=_users(), many=True,
                                            required=False, help_text="usernames")
    name = serializers.CharField(max_length=120)

    class Meta:
        model = Strand
        fields = ["id", "name", "slug", "description", "lead", "deputies", "order", "active"]
        read_only_fields = ["slug"]


class ProjectSerializer(serializers.ModelSerializer):
    """Reads a project; writes go through programme.services.project_save."""

    strand = serializers.SlugRelatedField(slug_field="slug", queryset=Strand.objects.all())
    lead = serializers.SlugRelatedField(slug_field="username", queryset=_users(), required=False,
                                        allow_null=True, help_text="the owner's username")

    class Meta:
        model = Project
        fields = ["id", "strand", "name", "description", "lead", "status", "start_date",
                  "end_date"]
        validators: list = []  # names are checked by the service, case aside, beside the field


class SavingsTargetSerializer(serializers.ModelSerializer):
    """A target of a project, a strand, or (neither) the programme: POST upserts on
    (level, year); PATCH changes the amount."""

    year = FinancialYearField()
    # Programme-level targets have no strand: null in the API, and the schema says so.
    strand = serializers.SlugRelatedField(slug_field="slug", queryset=Strand.objects.all(),
                                          required=False, allow_null=True)
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False,
                                                 allow_null=True)
    level = serializers.CharField(read_only=True)
    amount_pence = serializers.IntegerField(min_value=0, max_value=10**15)  # £10 trillion

    class Meta:
        model = SavingsTarget
        fields = ["id", "year", "level", "strand", "project", "amount_pence"]
        validators: list = []


class ProgressUpdateSerializer(serializers.ModelSerializer):
    """Reads every field; writes go through programme.services.progress_update_save."""

    year = FinancialYearField()
    period = PeriodField()
    # Annotations of selectors.progress_update_list, which every response is read through.
    strand = serializers.CharField(source="strand_slug", read_only=True)
    author = serializers.CharField(source="author_username", read_only=True, allow_null=True)
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
    """POST adds a milestone (the baseline is recorded as the original); PATCH changes the name,
    forecast and actual dates and status; the baseline moves only by the rebaseline action."""

    strand = serializers.CharField(source="project.strand.slug", read_only=True)
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.select_related("strand"))

    class Meta:
        model = Milestone
        fields = ["id", "project", "strand", "name", "baseline_date", "forecast_date",
                  "actual_date", "status"]
        extra_kwargs = {"forecast_date": {"required": False}}

    def validate(self, attrs):
        if self.instance is not None:
            for field in ("project", "baseline_date"):
                if field in attrs and attrs[field] != getattr(self.instance, field):
                    raise serializers.ValidationError(
                        {field: "Cannot be changed here" + (
                            ": rebaseline the milestone instead." if field == "baseline_date"
                            else ".")})
                attrs.pop(field, None)
        return attrs


class RebaselineSerializer(serializers.Serializer):
    baseline_date = serializers.DateField()
    reason = serializers.CharField(max_length=500)


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


class KpiReadingWriteSerializer(serializers.ModelSerializer):
    """A KPI's reading (kind "actual", by its owner) or milestone target (kind "milestone", by
    the programme office); POST upserts on (kpi, date, kind)."""

    kpi = serializers.SlugRelatedField(slug_field="slug", queryset=Kpi.objects.all())

    class Meta:
        model = KpiReading
        fields = ["id", "kpi", "date", "kind", "value"]
        validators: list = []


class KpiSerializer(serializers.ModelSerializer):
    """Reads a KPI with its readings; a computed measure's value is `computed_value`, as at the
    end of the reporting month. Writes go through programme.services.kpi_save."""

    strand = serializers.SlugRelatedField(slug_field="slug", queryset=Strand.objects.all(),
                                          required=False, allow_null=True)
    owner = serializers.SlugRelatedField(slug_field="username", queryset=_users(),
                                         required=False, allow_null=True)
    readings = KpiReadingSerializer(many=True, read_only=True)
    computed_value = serializers.SerializerMethodField()
    name = serializers.CharField(max_length=160)

    class Meta:
        model = Kpi
        fields = ["id", "name", "slug", "description", "strand", "unit", "higher_is_better",
                  "baseline_value", "baseline_date", "target_value", "target_date", "owner",
                  "measure", "active", "order", "readings", "computed_value"]
        read_only_fields = ["slug"]

    def get_computed_value(self, kpi) -> Decimal | None:
        if not kpi.measure:
            return None
        from programme.selectors import kpi_computed_value

        return kpi_computed_value(kpi)


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
