"""Writes of the programme app: every state change goes through a function here, atomically.

A package: delivery (progress updates, milestones, RAID, reminders, strand leadership) and setup
(the programme office's years, strands, projects, targets, milestones and KPIs); every service
callers use is re-exported here.
"""

from programme.services.delivery import (  # noqa: F401
    RAID_FIELDS,
    StaleVersionError,
    milestone_update,
    progress_reminder_send,
    progress_reminders_request,
    progress_reminders_send,
    progress_update_save,
    raid_item_convert_to_issue,
    raid_item_save,
    strand_leadership_set,
)
from programme.services.setup import (  # noqa: F401
    can_record_kpi,
    kpi_reading_record,
    kpi_save,
    kpi_target_set,
    milestone_create,
    milestone_rebaseline,
    programme_years_set,
    project_save,
    savings_target_set,
    savings_targets_set,
    strand_save,
    who,
)
