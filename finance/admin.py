"""Django admin for the finance app (administrators manage reference data here)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from finance import models


@admin.register(models.BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "order")
    search_fields = ("code", "name")


@admin.register(models.Budget)
class BudgetAdmin(SimpleHistoryAdmin):
    list_display = ("line", "year", "budget_pence")
    list_filter = ("year",)


@admin.register(models.MonthlyForecast)
class MonthlyForecastAdmin(SimpleHistoryAdmin):
    list_display = ("line", "year", "period", "budget_pence", "actual_to_date_pence",
                    "forecast_outturn_pence")
    list_filter = ("year", "period")
    list_select_related = ("line",)


@admin.register(models.HighNeedsIncome)
class HighNeedsIncomeAdmin(SimpleHistoryAdmin):
    list_display = ("year", "allocation_pence")


@admin.register(models.DeficitOutturn)
class DeficitOutturnAdmin(SimpleHistoryAdmin):
    list_display = ("year", "in_year_deficit_pence", "cumulative_deficit_pence")


@admin.register(models.Pressure)
class PressureAdmin(SimpleHistoryAdmin):
    list_display = ("year", "kind", "amount_pence", "derived")
    list_filter = ("year", "kind")


@admin.register(models.Mitigation)
class MitigationAdmin(SimpleHistoryAdmin):
    list_display = ("year", "name", "value_pence", "confidence", "status", "owner")
    list_filter = ("year", "status")


class TargetInline(admin.TabularInline):
    model = models.AgreementTarget
    extra = 0


@admin.register(models.SafetyValveAgreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ("authority", "signed_on", "total_contribution_pence")


@admin.register(models.AgreementVersion)
class AgreementVersionAdmin(SimpleHistoryAdmin):
    list_display = ("agreement", "number", "name", "status", "agreed_on")
    inlines = [TargetInline]


@admin.register(models.Instalment)
class InstalmentAdmin(SimpleHistoryAdmin):
    list_display = ("agreement", "year", "amount_pence", "due_on", "status", "paid_on")


@admin.register(models.Condition)
class ConditionAdmin(SimpleHistoryAdmin):
    list_display = ("agreement", "order", "text", "rag")


@admin.register(models.MonitoringReturn)
class MonitoringReturnAdmin(SimpleHistoryAdmin):
    list_display = ("agreement", "title", "due_on", "submitted_on")


@admin.register(models.Scenario)
class ScenarioAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "is_baseline", "version")


@admin.register(models.TrajectoryRun)
class TrajectoryRunAdmin(admin.ModelAdmin):
    list_display = ("scenario", "status", "is_current", "started_at", "finished_at", "duration_ms")
    list_filter = ("status", "is_current")
    readonly_fields = [f.name for f in models.TrajectoryRun._meta.fields]
