"""Django admin for the programme app (administrators manage reference data here)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from programme.models import (
    Kpi,
    KpiReading,
    Milestone,
    MilestoneBaseline,
    Programme,
    ProgressUpdate,
    Project,
    RaidItem,
    ReminderSent,
    SavingsTarget,
    Strand,
)


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    """Emergencies only: the programme's years are set on /setup/years/."""

    list_display = ["name", "first_year", "last_year"]


@admin.register(MilestoneBaseline)
class MilestoneBaselineAdmin(SimpleHistoryAdmin):
    """Emergencies only: milestones are rebaselined on the set-up pages."""

    list_display = ["milestone", "baseline_date", "reason", "created_at", "created_by"]
    list_select_related = ["milestone", "created_by"]


@admin.register(Strand)
class StrandAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "lead", "order", "active"]
    list_editable = ["order", "active"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["deputies"]
    list_select_related = ["lead"]


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "strand", "lead", "status", "start_date", "end_date"]
    list_filter = ["strand", "status"]
    search_fields = ["name"]
    list_select_related = ["strand", "lead"]


@admin.register(SavingsTarget)
class SavingsTargetAdmin(SimpleHistoryAdmin):
    list_display = ["year", "level", "strand", "project", "amount_pence"]
    list_filter = ["year", "strand"]
    list_select_related = ["strand", "project"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    """Read-only here: updates change through the form or API, which check version and period."""

    list_display = ["project", "year", "period", "forecast_pence", "delivered_pence",
                    "confidence", "status", "version"]
    list_filter = ["year", "period", "status", "confidence", "project__strand"]
    list_select_related = ["project"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["name", "project", "baseline_date", "forecast_date", "actual_date", "status"]
    list_filter = ["status", "project__strand"]
    list_select_related = ["project"]


@admin.register(RaidItem)
class RaidItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "strand", "owner", "score", "residual_score", "status",
                    "review_date"]
    list_filter = ["kind", "status", "strand"]
    search_fields = ["title"]
    list_select_related = ["strand", "owner"]


class KpiReadingInline(admin.TabularInline):
    model = KpiReading
    extra = 1


@admin.register(Kpi)
class KpiAdmin(SimpleHistoryAdmin):
    list_display = ["name", "strand", "unit", "baseline_value", "target_value", "target_date"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [KpiReadingInline]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["lead", "year", "period", "sent_at", "projects"]
    list_filter = ["year", "period"]
