"""Pages of the programme app: thin views over selectors and services."""

from programme.views.edit import milestone_edit, raid_edit
from programme.views.pages import (
    compliance,
    compliance_remind,
    kpi_page,
    overview_export,
    programme_overview,
    raid_convert,
    raid_log,
    strand_detail,
)
from programme.views.update import update_check, update_done, update_form

__all__ = [
    "compliance",
    "compliance_remind",
    "kpi_page",
    "milestone_edit",
    "overview_export",
    "programme_overview",
    "raid_convert",
    "raid_edit",
    "raid_log",
    "strand_detail",
    "update_check",
    "update_done",
    "update_form",
]
