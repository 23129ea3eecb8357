"""Writes of the placements app: every state change goes through a function here, atomically."""

from placements.services.benchmarking import comparator_group_set
from placements.services.decisions import (
    OptionInput,
    decision_saving,
    placement_decision_record,
)
from placements.services.overpayments import (
    BulkReviewRefused,
    flag_version,
    overpayment_flag_review,
    overpayment_flags_review,
    overpayment_scan,
)

__all__ = [
    "BulkReviewRefused",
    "comparator_group_set",
    "OptionInput",
    "decision_saving",
    "flag_version",
    "overpayment_flag_review",
    "overpayment_flags_review",
    "overpayment_scan",
    "placement_decision_record",
]
