"""Writes of the placements app: every state change goes through a function here, atomically."""

from placements.services.decisions import (
    OptionInput,
    decision_saving,
    placement_decision_record,
)
from placements.services.overpayments import overpayment_flag_review, overpayment_scan

__all__ = [
    "OptionInput",
    "decision_saving",
    "overpayment_flag_review",
    "overpayment_scan",
    "placement_decision_record",
]
