"""Reads of the programme app: querysets and aggregates for views, the API, charts and jobs.

The cross-app contract (docs/conventions.md): programme_summary, programme_targets_by_year,
top_risks, kpi_latest, milestones_due.
"""

from programme.selectors.history import field_changes, strand_history
from programme.selectors.projects import (
    editable_strands,
    milestones_due,
    missing_updates,
    projects_by_strand,
    strand_milestones,
    strand_projects,
    strand_with_people,
    update_form_rows,
)
from programme.selectors.raid import (
    kpi_actuals,
    kpi_latest,
    kpi_measure,
    kpis_with_readings,
    raid_filter_choices,
    raid_items,
    raid_log_matrix,
    raid_matrix,
    raid_matrix_total,
    raid_table,
    raid_table_row,
    raid_table_rows,
    score_band,
    top_risks,
)
from programme.selectors.summary import (
    latest_submitted_period,
    latest_submitted_updates,
    monthly_forecast,
    programme_summary,
    programme_targets_by_year,
    savings_forecast_at,
    strand_figures,
    strand_rag,
)

__all__ = [
    "editable_strands",
    "field_changes",
    "kpi_actuals",
    "kpi_latest",
    "kpi_measure",
    "kpis_with_readings",
    "latest_submitted_period",
    "latest_submitted_updates",
    "milestones_due",
    "missing_updates",
    "monthly_forecast",
    "programme_summary",
    "programme_targets_by_year",
    "projects_by_strand",
    "raid_filter_choices",
    "raid_items",
    "raid_log_matrix",
    "raid_matrix",
    "raid_matrix_total",
    "raid_table",
    "raid_table_row",
    "raid_table_rows",
    "savings_forecast_at",
    "score_band",
    "strand_figures",
    "strand_history",
    "strand_milestones",
    "strand_projects",
    "strand_rag",
    "strand_with_people",
    "top_risks",
    "update_form_rows",
]
