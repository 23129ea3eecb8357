"""Django admin for the placements app (administrators manage reference data here)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from placements.models import (
    Assessment,
    Child,
    Comparator,
    Invoice,
    OverpaymentFlag,
    Placement,
    PlacementDecision,
    PlacementOption,
    Provider,
)


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["ref", "name", "provision_type", "in_county", "places"]
    list_filter = ["provision_type", "in_county"]
    search_fields = ["ref", "name", "urn"]


@admin.register(Child)
class ChildAdmin(SimpleHistoryAdmin):
    list_display = ["ref", "ncy", "primary_need", "locality", "plan_ceased_on"]
    list_filter = ["primary_need", "locality"]
    search_fields = ["ref"]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["child", "request_date", "decision_date", "final_plan_date", "closed_date",
                    "exception_20wk"]
    list_select_related = ["child"]
    raw_id_fields = ["child"]
    search_fields = ["child__ref"]


@admin.register(Placement)
class PlacementAdmin(SimpleHistoryAdmin):
    list_display = ["ref", "child", "provider", "provision_type", "start_date", "end_date",
                    "annual_cost_pence", "status"]
    list_filter = ["provision_type", "status"]
    list_select_related = ["child", "provider"]
    raw_id_fields = ["child", "provider"]
    search_fields = ["ref", "child__ref", "provider__ref"]


@admin.register(Invoice)
class InvoiceAdmin(SimpleHistoryAdmin):
    list_display = ["ref", "provider", "placement", "period_start", "period_end", "amount_pence",
                    "paid_date", "status"]
    list_filter = ["status"]
    list_select_related = ["provider", "placement"]
    raw_id_fields = ["provider", "placement"]
    search_fields = ["ref", "placement__ref", "provider__ref"]


class OptionInline(admin.TabularInline):
    model = PlacementOption
    extra = 0


@admin.register(PlacementDecision)
class PlacementDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["panel_date", "child", "saving_pence", "decided_by"]
    list_select_related = ["child", "decided_by"]
    raw_id_fields = ["child"]
    # Savings are computed by the service from the options; admins correct notes only.
    readonly_fields = ["saving_pence"]
    inlines = [OptionInline]


@admin.register(Comparator)
class ComparatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "annual_cost_pence", "order", "active"]
    list_editable = ["order", "active"]


@admin.register(OverpaymentFlag)
class OverpaymentFlagAdmin(SimpleHistoryAdmin):
    list_display = ["invoice", "rule", "amount_pence", "status", "found_at"]
    list_filter = ["rule", "status"]
    list_select_related = ["invoice"]
    raw_id_fields = ["invoice"]
