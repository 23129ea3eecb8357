"""Pages of the placements app: thin views over selectors and services."""

from placements.views.pages import (
    cohort,
    decision_detail,
    decision_new,
    decisions,
    overpayment_review,
    overpayments_scan,
)
from placements.views.queue import overpayments

__all__ = [
    "cohort",
    "decision_detail",
    "decision_new",
    "decisions",
    "overpayment_review",
    "overpayments",
    "overpayments_scan",
]
