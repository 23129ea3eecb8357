"""Reads of the placements app: querysets and aggregates for views, the API, charts and jobs.

`cohort_projection_inputs`, `cohort_summary`, `plans_at` and `overpayment_totals` are the
contract other apps rely on (docs/conventions.md); `council_own_figures` and
`SETTING_CATEGORIES` are the Benchmarking page's (the council's own figures on the DfE's
definitions).
"""

from placements.selectors.benchmarking import (
    benchmark_api,
    benchmark_board_panel,
    benchmark_core,
    benchmark_overview,
    comparator_group,
    la_choices,
)
from placements.selectors.cohort import (
    avg_cost_per_plan,
    backlog_over_16_weeks,
    backlog_over_16_weeks_series,
    children_with_plan,
    cohort_default_date,
    cohort_projection_inputs,
    cohort_summary,
    in_county_split,
    inmss_share,
    placements_by_provision_type,
    plans_at,
    timeliness,
    timeliness_year_to,
    within_20_weeks_pct_rolling_12_months,
    within_20_weeks_pct_rolling_12_months_series,
)
from placements.selectors.overpayment_queue import (
    QueueQuery,
    overpayment_providers,
    overpayment_queue,
    overpayment_queue_flags,
)
from placements.selectors.own_figures import (
    SETTING_CATEGORIES,
    census_day,
    council_own_figures,
    council_plans_by_setting,
)
from placements.selectors.records import (
    assessment_list,
    comparator_list,
    decision_list,
    decision_years,
    decisions_in_year,
    equivalents,
    invoice_list,
    latest_overpayment_scan,
    overpayment_by_status,
    overpayment_flags,
    overpayment_queue_row,
    overpayment_queue_rows,
    overpayment_totals,
    placement_list,
    provider_list,
)
from placements.selectors.series import cohort_overview, cohort_series

__all__ = [
    "QueueQuery",
    "overpayment_providers",
    "overpayment_queue",
    "overpayment_queue_flags",
    "SETTING_CATEGORIES",
    "benchmark_api",
    "benchmark_board_panel",
    "benchmark_core",
    "benchmark_overview",
    "comparator_group",
    "la_choices",
    "assessment_list",
    "avg_cost_per_plan",
    "backlog_over_16_weeks",
    "backlog_over_16_weeks_series",
    "census_day",
    "children_with_plan",
    "cohort_default_date",
    "cohort_overview",
    "cohort_projection_inputs",
    "cohort_series",
    "cohort_summary",
    "comparator_list",
    "council_own_figures",
    "council_plans_by_setting",
    "decision_list",
    "decision_years",
    "decisions_in_year",
    "equivalents",
    "in_county_split",
    "inmss_share",
    "invoice_list",
    "latest_overpayment_scan",
    "overpayment_by_status",
    "overpayment_flags",
    "overpayment_queue_row",
    "overpayment_queue_rows",
    "overpayment_totals",
    "placement_list",
    "placements_by_provision_type",
    "plans_at",
    "provider_list",
    "timeliness",
    "timeliness_year_to",
    "within_20_weeks_pct_rolling_12_months",
    "within_20_weeks_pct_rolling_12_months_series",
]
