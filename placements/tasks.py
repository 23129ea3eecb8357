"""Celery tasks of the placements app: thin, primitive ids in, one service call."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="placements.tasks.scan_overpayments", acks_late=True)
def scan_overpayments() -> dict[str, int]:
    """Flag overpaid invoices; safe to run twice (flags are unique per invoice and rule).

    Not retried: the nightly run or the review page's button simply runs it again.
    """
    from placements.services import overpayment_scan

    return overpayment_scan().flags_created
